import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { intro, outro } from '@clack/prompts';
import {
  createOutput,
  displayPath,
  ignoreClosedPipes,
  readPackageVersion,
  setColorFlag,
  usageErrorWriter,
} from '@augment/cli-kit';
import type { Output } from '@augment/cli-kit';
import { printError } from '@augment/cli-kit/print-error';
import { runInstall } from './internal/install.js';
import { printCreated, printNextSteps } from './internal/summary.js';
import { PLUGIN_FORMATS } from './options.js';
import type { PluginFormat } from './options.js';
import { isInteractive, promptOptions } from './prompts.js';
import type { PromptAnswers } from './prompts.js';
import { scaffold } from './scaffold.js';

/** The name of the bin, as `npx @augment/boilerplate` and `npm create @augment/plugin` run it. */
export const BIN = 'create-augment-plugin';

/** The flags the program parses. */
interface CliFlags {
  name?: string;
  types?: string;
  format: PluginFormat;
  force: boolean;
  yes: boolean;
  /** `--install` or `--no-install`; undefined when neither was given. */
  install?: boolean;
}

/** The version in the package's package.json (`../package.json` from both src/ and dist/). */
function readVersion(): string {
  return readPackageVersion(new URL('../package.json', import.meta.url));
}

/**
 * Collects the answers: from the prompts on a terminal (after the title, as
 * their first line), from the flags anywhere else (after the title, as a
 * plain line). Without a terminal `npm install` runs only with `--install`.
 */
async function collectAnswers(
  command: Command,
  folder: string | undefined,
  flags: CliFlags,
  output: Output,
): Promise<PromptAnswers | null> {
  const title = `${BIN} v${readVersion()}`;
  const formatGiven = command.getOptionValueSource('format') === 'cli';
  if (!flags.yes && isInteractive()) {
    intro(output.style('bold', title));
    const answers = await promptOptions({
      folder,
      name: flags.name,
      format: formatGiven ? flags.format : undefined,
      types: flags.types,
      force: flags.force,
      install: flags.install,
    });
    if (answers !== null) outro(`Creating ${displayPath(resolve(answers.options.dir))}`);
    return answers;
  }
  output.line(title);
  if (folder === undefined) {
    command.error(
      `error: no folder given: run "${BIN} <folder>" (without a terminal nothing is asked; see --help).`,
      { exitCode: 1, code: 'augment.noFolder' },
    );
  }
  const { name, types, format, force } = flags;
  return { options: { dir: folder, name, types, format, force }, install: flags.install === true };
}

/** Creates the project, runs `npm install` when asked to, and prints what to do next. */
async function createProject(output: Output, answers: PromptAnswers): Promise<number> {
  const result = await scaffold(answers.options);
  printCreated(output, result);
  let installed = false;
  if (answers.install) {
    output.line('');
    output.line(`${output.style('dim', '$')} npm install`);
    const problem = await runInstall(result.dir);
    installed = problem === undefined;
    if (problem !== undefined) {
      output.problem(
        `${output.styleErr('red', 'error:')} npm install ${problem} in ${displayPath(result.dir)}. The project is created: run npm install there once the problem above is fixed.`,
      );
    }
  }
  printNextSteps(output, result, installed);
  return answers.install && !installed ? 1 : 0;
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
    .option(
      '--install',
      'run npm install in the new project (default: asked on a terminal, not run anywhere else)',
    )
    .option('--no-install', 'do not run npm install, nor ask about it')
    .option('--color', 'print colors even when the output is not a terminal')
    .option('--no-color', 'print no colors (also: NO_COLOR=1)')
    .version(readVersion(), '-v, --version', 'print the version of @augment/boilerplate')
    .helpOption('-h, --help', 'show this help')
    .addHelpText(
      'after',
      `
On a terminal it asks for what the command line leaves out (unless --yes),
then offers to run npm install. Anywhere else it never waits for input: it
uses the defaults, needs <folder>, and installs only with --install.

Examples:
  $ npm create @augment/plugin@latest my-plugin
  $ npx @augment/boilerplate my-plugin --format cjs --yes --install
  $ npx @augment/boilerplate reports --name @acme/reports --types @acme/app-types@^2.0.0

Colors: on a terminal only; NO_COLOR=1 or --no-color turns them off,
FORCE_COLOR=1 or --color turns them on.`,
    )
    .exitOverride()
    .configureOutput({ outputError: usageErrorWriter(createOutput()) })
    .action(async (folder: string | undefined, flags: CliFlags, command: Command) => {
      const output = createOutput();
      const answers = await collectAnswers(command, folder, flags, output);
      process.exitCode = answers === null ? 1 : await createProject(output, answers);
    });
}

/**
 * Runs the CLI and returns the exit code: commander's own for usage errors,
 * `--help` and `--version`; 1 for a problem with the options or the folder (an
 * `AugmentError`, shown as its message), for a cancelled prompt, or for a bug
 * (any other error, shown with its stack and a request to report it).
 */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  ignoreClosedPipes();
  setColorFlag(argv.slice(2));
  try {
    await createProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // commander already printed its one-line error (or the help, or the version)
    if (error instanceof CommanderError) return error.exitCode;
    printError(createOutput(), error, { packageName: '@augment/boilerplate' });
    return 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
