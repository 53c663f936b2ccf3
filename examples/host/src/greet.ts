import type { PluginEntry } from '@augment/core';
import type { Greeter, GreeterMeta, Visitor } from '@augment/example-host-types';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The visitors the demo asks every greeter to greet: a first visit and a return. */
export const VISITORS: readonly Visitor[] = Object.freeze([
  { name: 'Ada', visits: 1 },
  { name: 'Grace', visits: 7, sinceLastVisitMs: 3 * DAY_MS },
]);

/** One call of one greeter: what it said, or what it threw. */
export interface Greeting {
  readonly plugin: string;
  readonly visitor: string;
  readonly text: string;
  readonly ok: boolean;
}

/** Loaded greeters in the order the host asks them: highest `meta.priority` first, then by name. */
export function byPriority(
  entries: readonly PluginEntry<Greeter, GreeterMeta>[],
): PluginEntry<Greeter, GreeterMeta>[] {
  return [...entries].sort(
    (a, b) =>
      b.manifest.meta.priority - a.manifest.meta.priority ||
      a.manifest.name.localeCompare(b.manifest.name),
  );
}

/**
 * One call into a plugin: a plain call of its own export, no proxy. The types
 * say `greet()` returns a string, but a plugin is code the host did not
 * compile: what it really returns, or throws, is checked here.
 */
function callGreeter(plugin: Greeter, visitor: Visitor): { text: string; ok: boolean } {
  try {
    const said: unknown = plugin.greet(visitor);
    return typeof said === 'string'
      ? { text: said, ok: true }
      : { text: `returned ${typeof said} instead of a string`, ok: false };
  } catch (error) {
    return { text: `threw: ${error instanceof Error ? error.message : String(error)}`, ok: false };
  }
}

/**
 * Asks every greeter to greet every visitor, highest priority first. A
 * greeter that throws is reported for that call, and the others still run.
 */
export function greetAll(
  entries: readonly PluginEntry<Greeter, GreeterMeta>[],
  visitors: readonly Visitor[] = VISITORS,
): Greeting[] {
  const greetings: Greeting[] = [];
  for (const { manifest, plugin } of byPriority(entries)) {
    for (const visitor of visitors) {
      const said = callGreeter(plugin, visitor);
      greetings.push({ plugin: manifest.name, visitor: visitor.name, ...said });
    }
  }
  return greetings;
}
