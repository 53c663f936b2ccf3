import { Command } from 'commander';
import { createOutput } from '../output.js';
import { requireProject } from '../find-project.js';
import { formatOption, minifyOption, noTypecheckOption, printProject } from './build.js';
import { catchSignals, printEvent, watchingLine, type PrintState } from './watch-print.js';

/** The flags `augment watch` parses. */
interface WatchFlags {
  format: 'esm' | 'cjs';
  typecheck: boolean;
  minify: boolean;
}

/** How long after closing the watcher a leftover handle (a type check in flight) may delay the exit. */
const EXIT_GRACE_MS = 1000;

/** `augment watch [dir]`: build, then rebuild on every change until Ctrl+C. */
export function watchCommand(): Command {
  return new Command('watch')
    .description(
      'Build, then rebuild incrementally on every change under src/ or assets/ or to plugin.manifest.json, package.json or tsconfig.json; type-check beside each rebuild. Stop with Ctrl+C.',
    )
    .argument('[dir]', 'the plugin project folder (default: the nearest one from here upwards)')
    .addOption(formatOption())
    .addOption(minifyOption())
    .addOption(noTypecheckOption())
    .addHelpText(
      'after',
      `
Examples:
  $ augment watch
  $ augment watch packages/my-plugin --no-typecheck`,
    )
    .action(async (dir: string | undefined, flags: WatchFlags) => {
      const output = createOutput();
      const project = await requireProject(dir);
      printProject(output, project);
      // caught from the start: a Ctrl+C during the first build still closes cleanly
      const signals = catchSignals();
      try {
        const [{ watch }, { printError }] = await Promise.all([
          import('../watch.js'),
          import('../print-error.js'),
        ]);
        const state: PrintState = { unavailableShown: false, printError, dir: project.dir };
        const watcher = await watch({
          dir: project.dir,
          format: flags.format,
          typecheck: flags.typecheck,
          minify: flags.minify,
          onEvent: (event) => {
            printEvent(output, event, state);
          },
        });
        output.line(watchingLine(output, watcher));
        await signals.signal;
        await watcher.close();
      } finally {
        signals.stop();
      }
      output.line(output.style('dim', 'stopped watching'));
      // a type check still in flight must not hold the process open
      setTimeout(() => process.exit(process.exitCode ?? 0), EXIT_GRACE_MS).unref();
    });
}
