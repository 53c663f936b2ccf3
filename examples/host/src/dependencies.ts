import type { PluginEntry, ReloadReport } from '@augment/core';
import type { Greeter, GreeterDependencies, GreeterMeta } from '@augment/example-host-types';

/**
 * The host's `onLoad`: hands a plugin the greeters of the plugins it depends
 * on, by name, through its `uses()` hook, before it serves. They come from
 * `entry.dependencies`, the entries core resolved it against (loaded and
 * published before it), never from `host.get()`: on a reload cascade the
 * dependent is loaded against the new version before either is served.
 */
export function handDependencies({
  plugin,
  dependencies,
}: PluginEntry<Greeter, GreeterMeta>): void {
  if (plugin.uses === undefined) return;
  const greeters: Record<string, Greeter> = {};
  for (const [name, dependency] of Object.entries(dependencies)) greeters[name] = dependency.plugin;
  plugin.uses(Object.freeze(greeters) satisfies GreeterDependencies);
}

/** `example-plugin 1.0.0`: what a plugin was loaded against, or `-` for none. */
export function formatDependencies(entry: PluginEntry<Greeter, GreeterMeta>): string {
  const shown = Object.values(entry.dependencies).map(
    ({ manifest }) => `${manifest.name} ${manifest.version}`,
  );
  return shown.length > 0 ? shown.join(', ') : '-';
}

/**
 * One line per plugin that a reload updated along with a plugin it depends
 * on: core reloads a dependent against its dependency's new version, even
 * when its own files did not change.
 */
export function cascadeLines(
  report: ReloadReport,
  entries: readonly PluginEntry<Greeter, GreeterMeta>[],
): string[] {
  const changed = new Set([...report.added, ...report.updated]);
  return entries.flatMap(({ manifest, dependencies }) => {
    if (!report.updated.includes(manifest.name)) return [];
    const because = Object.keys(dependencies).filter((name) => changed.has(name));
    if (because.length === 0) return [];
    return [`  ${manifest.name} reloaded against the new ${because.join(', ')} (its dependency)`];
  });
}
