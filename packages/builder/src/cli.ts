import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { buildCommand } from './commands/build.js';
import { syncCommand } from './commands/sync.js';
import { validateCommand } from './commands/validate.js';
import { watchCommand } from './commands/watch.js';
import { createOutput } from './output.js';

/** The version in the package's package.json (`../package.json` from both src/ and dist/). */
function readVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  const pkg: unknown = JSON.parse(text);
  const version =
    typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  return typeof version === 'string' ? version : '0.0.0';
}

/** Builds the `augment` program with its commands. */
export function createProgram(): Command {
  const program = new Command('augment')
    .description('Build, watch and validate plugins for @augment/core.')
    .version(readVersion(), '-v, --version', 'print the version of @augment/builder')
    .helpCommand('help [command]', 'show the help of a command')
    .addCommand(buildCommand())
    .addCommand(watchCommand())
    .addCommand(validateCommand())
    .addCommand(syncCommand())
    .addHelpText(
      'after',
      `
Run "augment <command> --help" for a command's flags and examples.`,
    );
  const output = createOutput();
  for (const command of [program, ...program.commands]) {
    command
      .helpOption('-h, --help', 'show this help')
      // throw instead of exiting, so that main() decides the exit code
      .exitOverride()
      .configureOutput({
        // one line: commander puts "(Did you mean --zip?)" on a line of its own
        outputError: (text, write) => {
          const line = text.trimEnd().replace(/\n\(Did you mean/gu, ' (did you mean');
          write(`${line.replace(/^error:/u, output.styleErr('red', 'error:'))}\n`);
        },
      });
  }
  return program;
}

/**
 * Runs the CLI and returns the exit code: commander's own for usage errors,
 * `--help` and `--version`; 1 for a project problem (an `AugmentError`, shown
 * as its message and details) or for a bug (any other error, shown with its
 * stack); otherwise what the command set (`validate` sets 1 when invalid).
 */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // commander already printed its one-line error (or the help, or the version)
    if (error instanceof CommanderError) return error.exitCode;
    const { printError } = await import('./print-error.js');
    printError(createOutput(), error);
    return 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
