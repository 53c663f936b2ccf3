import { Command, CommanderError } from 'commander';
import { readPackageVersion, usageErrorWriter } from '@augment/cli-kit';
import { buildCommand } from './commands/build.js';
import { devCommand } from './commands/dev.js';
import { doctorCommand } from './commands/doctor.js';
import { linkCommand, unlinkCommand } from './commands/link.js';
import { syncCommand } from './commands/sync.js';
import { validateCommand } from './commands/validate.js';
import { watchCommand } from './commands/watch.js';
import { createOutput, ignoreClosedPipes, setColorFlag } from './output.js';

/** The version in the package's package.json (`../package.json` from both src/ and dist/). */
function readVersion(): string {
  return readPackageVersion(new URL('../package.json', import.meta.url));
}

/** Builds the `augment` program with its commands. */
export function createProgram(): Command {
  const program = new Command('augment')
    .description('Build, watch and validate plugins for @augment/core.')
    .version(readVersion(), '-v, --version', 'print the version of @augment/builder')
    .option('--color', 'print colors even when the output is not a terminal')
    .option('--no-color', 'print no colors (also: NO_COLOR=1)')
    .helpCommand('help [command]', 'show the help of a command')
    .addCommand(buildCommand())
    .addCommand(watchCommand())
    .addCommand(devCommand())
    .addCommand(linkCommand())
    .addCommand(unlinkCommand())
    .addCommand(validateCommand())
    .addCommand(syncCommand())
    .addCommand(doctorCommand())
    .addHelpText(
      'after',
      `
Run "augment <command> --help" for a command's flags and examples.

Exit codes: 0 success, 1 build or validation failure, 2 usage error (unknown
command or flag, bad or missing argument).
Colors: on a terminal only; NO_COLOR=1 or --no-color turns them off,
FORCE_COLOR=1 or --color turns them on.`,
    );
  const output = createOutput();
  for (const command of [program, ...program.commands]) {
    command
      .helpOption('-h, --help', 'show this help')
      // throw instead of exiting, so that main() decides the exit code
      .exitOverride()
      .configureOutput({ outputError: usageErrorWriter(output) });
  }
  return program;
}

/** The exit code of a usage error: an unknown command or flag, a bad or missing argument. */
export const USAGE_EXIT_CODE = 2;

/**
 * Runs the CLI and returns the exit code: 0 for success, `--help` and
 * `--version`; 1 for a project problem (an `AugmentError`, shown as its
 * message and details) or for a bug (any other error, shown with its stack),
 * or what the command set (`validate` sets 1 when invalid); 2 for a usage
 * error (commander's, already printed).
 */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  ignoreClosedPipes();
  setColorFlag(argv.slice(2));
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // commander already printed its one-line error (or the help, or the version)
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
    const { printError } = await import('./print-error.js');
    printError(createOutput(), error);
    return 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
