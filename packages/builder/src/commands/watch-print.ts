// What `augment watch` and `augment dev` print for each event of a watch,
// and how both wait for Ctrl+C.
import { relative, sep } from 'node:path';
import type { BuildWatcher, RebuildEvent } from '../watch.js';
import { displayPath, formatDuration, plural, printWarnings } from '../output.js';
import type { Output } from '../output.js';
import type { printError } from '../print-error.js';
import { stripAnsi } from '../typecheck.js';
import { TYPES_UNAVAILABLE, builtLine } from './build.js';

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

/** What {@link printEvent} keeps between events. */
export interface PrintState {
  unavailableShown: boolean;
  printError: typeof printError;
  /** The project folder: changed files are shown relative to it. */
  dir: string;
}

/** `14:03:27`: the local time of day, for the lines of a rebuild. */
function clock(date: Date = new Date()): string {
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
}

/**
 * `[14:03:27] src/greet.ts changed` (or `src/a.ts and 2 more files changed`):
 * the line before the result of a rebuild, as `tsc --watch` says what it saw.
 */
function triggerLine(output: Output, changed: readonly string[], dir: string): string {
  const [first] = changed;
  const what =
    first === undefined
      ? 'a file'
      : `${displayPath(first, dir)}${changed.length > 1 ? ` and ${plural(changed.length - 1, 'more file')}` : ''}`;
  return `${output.style('dim', `[${clock()}]`)} ${what} changed`;
}

/** Prints one event: one line per rebuild, then a later `types:` line. */
export function printEvent(output: Output, event: RebuildEvent, state: PrintState): void {
  switch (event.type) {
    case 'build:done': {
      printWarnings(output, event.result.warnings);
      if (event.initial) {
        output.line(builtLine(output, event.result, event.durationMs));
      } else {
        output.line(triggerLine(output, event.changed, state.dir));
        output.line(`${output.style('green', 'rebuilt')} in ${formatDuration(event.durationMs)}`);
      }
      const assets = assetsLine(output, event.result.dir, event.changed);
      if (assets !== undefined) output.line(assets);
      return;
    }
    case 'build:failed':
      if (!event.initial) {
        output.problem(triggerLine(output, event.changed, state.dir));
      }
      state.printError(output, event.error, { dir: state.dir });
      if (!event.initial) output.problem(output.styleErr('dim', 'waiting for changes…'));
      return;
    case 'types:checked':
      if (event.status === 'passed') {
        output.line(`types: ${output.style('green', 'ok')}`);
      } else if (event.status === 'failed') {
        const count = Math.max(event.diagnostics.length, 1);
        output.problem(`types: ${output.styleErr('red', plural(count, 'error'))}`);
        const blocks = event.formatted.length > 0 ? event.formatted : event.diagnostics;
        for (const block of blocks) {
          output.problem(output.errColors ? block : stripAnsi(block));
        }
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
export function catchSignals(): { signal: Promise<NodeJS.Signals>; stop(): void } {
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

/** `watching src/, assets/, plugin.manifest.json, … for changes (press Ctrl+C to stop)` */
export function watchingLine(output: Output, watcher: BuildWatcher): string {
  const [src = 'src', assets = 'assets', ...files] = watcher.watching.map((path) =>
    displayPath(path, watcher.dir),
  );
  const shown = [`${src}/`, `${assets}/`, ...files];
  return output.style('dim', `watching ${shown.join(', ')} for changes (press Ctrl+C to stop)`);
}
