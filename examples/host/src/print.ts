import { basename } from 'node:path';
import { ERROR_CODES } from '@augment/core';
import type { PluginEntry, PluginFailure, ReloadReport } from '@augment/core';
import type { Greeter, GreeterMeta } from '@augment/example-host-types';
import { formatDependencies } from './dependencies.js';
import type { Greeting } from './greet.js';
import { formatTable } from './table.js';

/** Turns an absolute path into the form shown to the user. */
export type ShowPath = (path: string) => string;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** `kind=casual priority=50`, plus any other key of `meta`. */
function formatMeta(meta: GreeterMeta): string {
  return Object.entries(meta)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}

/** The table of loaded plugins: name, version, format, origin (directory or archive), source, load time, meta, dependencies. */
export function loadedLines(
  entries: readonly PluginEntry<Greeter, GreeterMeta>[],
  report: ReloadReport,
  folder: string,
  show: ShowPath,
): string[] {
  const extracted =
    report.extracted.length > 0
      ? `${plural(report.extracted.length, 'archive')} extracted`
      : 'no archive extracted';
  const lines = [
    `Loaded ${plural(entries.length, 'plugin')} from ${show(folder)} in ${ms(report.durationMs)} (${extracted}):`,
    '',
  ];
  const rows = entries.map((entry) => [
    entry.manifest.name,
    entry.manifest.version,
    entry.format,
    entry.origin,
    entry.origin === 'directory' ? `${basename(entry.source)}/` : basename(entry.source),
    ms(entry.loadMs),
    formatMeta(entry.manifest.meta),
    formatDependencies(entry),
  ]);
  const header = ['NAME', 'VERSION', 'FORMAT', 'ORIGIN', 'SOURCE', 'LOAD', 'META', 'DEPENDS ON'];
  return [...lines, ...formatTable(header, rows).map((line) => `  ${line}`)];
}

/** What each greeter said to each visitor, in the order they were asked. */
export function greetingLines(greetings: readonly Greeting[]): string[] {
  if (greetings.length === 0) return ['No greeter to call.'];
  const rows = greetings.map(({ plugin, visitor, text, ok }) => [
    plugin,
    visitor,
    ok ? text : `✗ ${text}`,
  ]);
  return [
    'Greetings, highest priority first:',
    '',
    ...formatTable(['PLUGIN', 'VISITOR', 'SAYS'], rows).map((line) => `  ${line}`),
  ];
}

/** Hints for failures that are expected in this demo. */
const HINTS: Partial<Record<string, string>> = {
  [ERROR_CODES.CONFLICT_DUPLICATE]:
    'expected with --watch: the linked folder beats the archive of the same version (development override)',
};

/** One failure: which plugin, at which stage, its code and message. */
export function failureLines(failure: PluginFailure, show: ShowPath): string[] {
  const hint = HINTS[failure.code];
  return [
    `  ✗ ${failure.name ?? basename(failure.source)}  (${show(failure.source)})`,
    `      stage    ${failure.stage}`,
    `      code     ${failure.code}`,
    `      message  ${failure.message.replaceAll('\n', '\n               ')}`,
    ...(hint === undefined ? [] : [`      note     ${hint}`]),
  ];
}

/** Every failure of a scan, or a line saying there was none. */
export function failuresLines(failures: readonly PluginFailure[], show: ShowPath): string[] {
  if (failures.length === 0) return ['No plugin failed.'];
  return [
    `${plural(failures.length, 'plugin')} failed to load:`,
    ...failures.flatMap((failure) => ['', ...failureLines(failure, show)]),
  ];
}

/** One line summing up a reload: what was added, updated, removed or kept. */
export function reloadLine(report: ReloadReport): string {
  const parts = (['added', 'updated', 'removed', 'kept'] as const)
    .filter((key) => report[key].length > 0)
    .map((key) => `${key} ${report[key].join(', ')}`);
  return `reload in ${ms(report.durationMs)}: ${parts.length > 0 ? parts.join('; ') : 'nothing changed'}`;
}
