import { relative, resolve, sep } from 'node:path';
import { Command } from 'commander';
import type { RebuildEvent } from '../watch.js';
import { createOutput, displayPath, formatDuration, plural, printWarnings } from '../output.js';
import type { Output } from '../output.js';
import type { printError } from '../print-error.js';
import { TYPES_UNAVAILABLE, builtLine, formatOption, minifyOption } from './build.js';

/** The flags `augment watch` parses. */
interface WatchFlags {
  format: 'esm' | 'cjs';
  typecheck: boolean;
  minify: boolean;
}

/** How long after closing the watcher a leftover handle (a type check in flight) may delay the exit. */
const EXIT_GRACE_MS = 1000;

/** How many changed assets are named before `and N more`. */
const ASSETS_SHOWN = 3;

/**
 * `assets: dist/assets/ updated (assets/logo.svg)` when the rebuild was made
 * for changes under `assets/`; undefined otherwise.
 */
function assetsLine(output: Output, dir: string, changed: readonly string[]): string | undefined {
  const names = changed
    .map((path) => relative(dir, path).split(sep).join('/'))
    .filter((name) => name === 'assets' || name.startsWith('assets/'))
    .sort();
  if (names.length === 0) return undefined;
  const shown = names.slice(0, ASSETS_SHOWN).join(', ');
  const more = names.length > ASSETS_SHOWN ? ` and ${names.length - ASSETS_SHOWN} more` : '';
  return `assets: ${output.style('green', 'dist/assets/ updated')} (${shown}${more})`;
}

/** Prints one event: one line per rebuild, then a later `types:` line. */
function printEvent(
  output: Output,
  event: RebuildEvent,
  state: { unavailableShown: boolean; printError: typeof printError },
): void {
  switch (event.type) {
    case 'build:done': {
      printWarnings(output, event.result.warnings);
      output.line(
        event.initial
          ? builtLine(output, event.result, event.durationMs)
          : `${output.style('green', 'rebuilt')} in ${formatDuration(event.durationMs)}`,
      );
      const assets = assetsLine(output, event.result.dir, event.changed);
      if (assets !== undefined) output.line(assets);
      return;
    }
    case 'build:failed':
      state.printError(output, event.error);
      if (!event.initial) output.problem(output.styleErr('dim', 'waiting for changes…'));
      return;
    case 'types:checked':
      if (event.status === 'passed') {
        output.line(`types: ${output.style('green', 'ok')}`);
      } else if (event.status === 'failed') {
        const count = Math.max(event.diagnostics.length, 1);
        output.problem(`types: ${output.styleErr('red', plural(count, 'error'))}`);
        for (const diagnostic of event.diagnostics) output.problem(`  ${diagnostic}`);
      } else if (!state.unavailableShown) {
        state.unavailableShown = true;
        output.line(output.style('yellow', TYPES_UNAVAILABLE));
      }
      return;
    case 'watch:failed': {
      const why = event.error instanceof Error ? event.error.message : String(event.error);
      output.problem(`${output.styleErr('red', 'error:')} the watcher failed: ${why}`);
      return;
    }
  }
}

/** Resolves on the first SIGINT or SIGTERM; `stop()` removes the handlers. */
function catchSignals(): { signal: Promise<NodeJS.Signals>; stop(): void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const signal = new Promise<NodeJS.Signals>((done) => {
    onSignal = done;
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal,
    stop() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** `augment watch [dir]`: build, then rebuild on every change until Ctrl+C. */
export function watchCommand(): Command {
  return new Command('watch')
    .description(
      'Build, then rebuild incrementally on every change under src/ or assets/ or to plugin.manifest.json, package.json or tsconfig.json; type-check beside each rebuild. Stop with Ctrl+C.',
    )
    .argument('[dir]', 'the plugin project folder', '.')
    .addOption(formatOption())
    .addOption(minifyOption())
    .option(
      '--no-typecheck',
      'skip the TypeScript type check (default: check when TypeScript is installed)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ augment watch
  $ augment watch packages/my-plugin --no-typecheck`,
    )
    .action(async (dir: string, flags: WatchFlags) => {
      const output = createOutput();
      // caught from the start: a Ctrl+C during the first build still closes cleanly
      const signals = catchSignals();
      try {
        const [{ watch }, { printError }] = await Promise.all([
          import('../watch.js'),
          import('../print-error.js'),
        ]);
        const state = { unavailableShown: false, printError };
        const watcher = await watch({
          dir: resolve(dir),
          format: flags.format,
          typecheck: flags.typecheck,
          minify: flags.minify,
          onEvent: (event) => {
            printEvent(output, event, state);
          },
        });
        const [src = 'src', assets = 'assets', ...files] = watcher.watching.map((path) =>
          displayPath(path, watcher.dir),
        );
        const shown = [`${src}/`, `${assets}/`, ...files];
        output.line(
          output.style('dim', `watching ${shown.join(', ')} for changes (press Ctrl+C to stop)`),
        );
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
