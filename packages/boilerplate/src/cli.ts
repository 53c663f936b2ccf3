import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { isAugmentError } from '@augment/core';
import { createOutput, displayPath, shellQuote } from './internal/output.js';
import type { Output } from './internal/output.js';
import { PLUGIN_FORMATS } from './options.js';
import type { PluginFormat, ScaffoldOptions } from './options.js';
import { isInteractive, promptOptions } from './prompts.js';
import { scaffold } from './scaffold.js';
import type { ScaffoldResult } from './scaffold.js';

/** The name of the bin, as `npx @augment/boilerplate` runs it. */
export const BIN = 'create-augment-plugin';

/** The flags the program parses. */
interface CliFlags {
  name?: string;
  types?: string;
  format: PluginFormat;
  force: boolean;
  yes: boolean;
}

/** The version in the package's package.json (`../package.json` from both src/ and dist/). */
function readVersion(): string {
  const pkg: unknown = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  );
  const version =
    typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  return typeof version === 'string' ? version : '0.0.0';
}

/** `1 file`, `2 files`. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function printList(write: (text: string) => void, paths: readonly string[]): void {
  for (const path of paths) write(`  ${path}`);
}

/** Prints what was written, what was kept, and what to run next. */
function printResult(output: Output, result: ScaffoldResult): void {
  const where = displayPath(result.dir);
  const { name, format, created, unchanged, skipped } = result;
  output.line(
    `${output.style('green', 'created')} ${output.style('bold', name)} (${format}) in ${where}: ${plural(created.length, 'file')}`,
  );
  printList(output.line, created);
  if (unchanged.length > 0) {
    output.line(`already there with the template's content: ${unchanged.join(', ')}`);
  }
  if (skipped.length > 0) {
    output.problem(
      `${output.styleErr('yellow', 'kept')} ${plural(skipped.length, 'existing file')}, not overwritten (compare them with the template's and merge by hand):`,
    );
    printList(output.problem, skipped);
  }
  output.line('');
  output.line('Next:');
  if (where !== '.') output.line(`  cd ${shellQuote(where)}`);
  output.line('  npm install');
  output.line('  npm test     # builds dist/ and release.zip, then loads the plugin');
}

/** Collects the options: from the prompts on a terminal, from the flags anywhere else. */
async function collectOptions(
  command: Command,
  folder: string | undefined,
  flags: CliFlags,
): Promise<ScaffoldOptions | null> {
  const formatGiven = command.getOptionValueSource('format') === 'cli';
  if (!flags.yes && isInteractive()) {
    return promptOptions({
      folder,
      name: flags.name,
      format: formatGiven ? flags.format : undefined,
      types: flags.types,
      force: flags.force,
    });
  }
  if (folder === undefined) {
    command.error(
      `error: no folder given: run "${BIN} <folder>" (without a terminal nothing is asked; see --help).`,
      { exitCode: 1, code: 'augment.noFolder' },
    );
  }
  const { name, types, format, force } = flags;
  return { dir: folder, name, types, format, force };
}

/** Builds the program: one command, `create-augment-plugin [folder]`. */
export function createProgram(): Command {
  return new Command(BIN)
    .description(
      'Create a new Augment plugin project: sources, manifest, build scripts and a test.',
    )
    .argument('[folder]', 'where to create the project; created when missing (asked on a terminal)')
    .option('--name <name>', "the plugin's package and manifest name (default: the folder's name)")
    .option(
      '--types <package>',
      "the host's types package that exports the plugin signature, as name or name@range; it becomes a peer dependency (default: none, a local src/types.ts)",
    )
    .addOption(
      new Option('--format <format>', 'module format of the built plugin')
        .choices(PLUGIN_FORMATS)
        .default('esm'),
    )
    .option(
      '--force',
      'write into a folder that is not empty; existing files are kept, never overwritten',
      false,
    )
    .option(
      '-y, --yes',
      'ask nothing: use the defaults for what the command line leaves out',
      false,
    )
    .version(readVersion(), '-v, --version', 'print the version of @augment/boilerplate')
    .helpOption('-h, --help', 'show this help')
    .addHelpText(
      'after',
      `
On a terminal it asks for what the command line leaves out (unless --yes).
Anywhere else it never waits for input: it uses the defaults, and needs <folder>.

Examples:
  $ npx @augment/boilerplate my-plugin
  $ npx @augment/boilerplate my-plugin --format cjs --yes
  $ npx @augment/boilerplate reports --name @acme/reports --types @acme/app-types@^2.0.0`,
    )
    .exitOverride()
    .configureOutput({
      outputError: (message, write) => {
        write(`${message.trimEnd().replace(/\n\(Did you mean/gu, ' (did you mean')}\n`);
      },
    })
    .action(async (folder: string | undefined, flags: CliFlags, command: Command) => {
      const output = createOutput();
      const options = await collectOptions(command, folder, flags);
      if (options === null) {
        process.exitCode = 1;
        return;
      }
      printResult(output, await scaffold(options));
    });
}

/**
 * Runs the CLI and returns the exit code: commander's own for usage errors,
 * `--help` and `--version`; 1 for a problem with the options or the folder (an
 * `AugmentError`, shown as its message), for a cancelled prompt, or for a bug
 * (any other error, shown with its stack).
 */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // commander already printed its one-line error (or the help, or the version)
    if (error instanceof CommanderError) return error.exitCode;
    const output = createOutput();
    if (isAugmentError(error))
      output.problem(`${output.styleErr('red', 'error:')} ${error.message}`);
    else output.problem(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
