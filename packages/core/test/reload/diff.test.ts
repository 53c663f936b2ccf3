// The scan's diff on plain data, without a host: what is added, updated,
// unchanged, kept (last known good) or removed, and what gets unloaded.
import { describe, expect, it } from 'vitest';
import { diffOutcomes, type LoadedRecord, type LoadOutcome } from '../../src/reload/diff.js';
import type { ValidCandidate } from '../../src/reload/classify.js';
import type { PluginSource } from '../../src/sources/source.js';
import type { PluginEntry, PluginFailure } from '../../src/types.js';

const from = {} as PluginSource;

function record(
  name: string,
  version = '1.0.0',
  source = `/f/${name}`,
): LoadedRecord<string, unknown> {
  const entry: PluginEntry<string, unknown> = {
    manifest: { name, version, entryPoint: './index.mjs', meta: {} },
    plugin: `${name}@${version}`,
    source,
    dir: source,
    origin: 'directory',
    format: 'esm',
    loadMs: 0,
    dependencies: {},
  };
  return { entry, fingerprint: version, from };
}

function winner(name: string): ValidCandidate {
  return {
    source: `/f/${name}`,
    dir: `/f/${name}`,
    origin: 'directory',
    fingerprint: 'x',
    manifest: { name, version: '1.0.0', entryPoint: './index.mjs', meta: {} },
    error: undefined,
  };
}

function failed(name: string): LoadOutcome<string, unknown> {
  const failure = { source: `/f/${name}`, name, stage: 'import', code: 'AUG_LOAD_IMPORT' };
  return { candidate: winner(name), failure: failure as PluginFailure };
}

const never = (): boolean => false;

describe('diffOutcomes', () => {
  it('sorts outcomes into added, updated and unchanged, and retires replaced versions', () => {
    const same = record('same');
    const old = record('changed');
    const loaded = new Map([
      ['same', same],
      ['changed', old],
    ]);
    const fresh = record('changed', '2.0.0');
    const added = record('new');
    const diff = diffOutcomes(
      loaded,
      [
        { candidate: winner('same'), record: same },
        { candidate: winner('changed'), record: fresh },
        { candidate: winner('new'), record: added },
      ],
      never,
    );
    expect(diff).toMatchObject({ added: ['new'], updated: ['changed'], unchanged: ['same'] });
    expect(diff.published.map((p) => [p.entry.plugin, p.previous?.plugin])).toEqual([
      ['changed@2.0.0', 'changed@1.0.0'],
      ['new@1.0.0', undefined],
    ]);
    expect(diff.retired).toEqual([{ entry: old.entry, reason: 'replaced' }]);
    expect([...diff.next.keys()].sort()).toEqual(['changed', 'new', 'same']);
  });

  it('keeps the last known good version of a plugin whose new version failed', () => {
    const good = record('p');
    const diff = diffOutcomes(new Map([['p', good]]), [failed('p'), failed('q')], never);
    expect(diff.kept).toEqual(['p']);
    expect(diff.next.get('p')).toBe(good);
    expect(diff.next.has('q')).toBe(false);
    expect(diff.failures.map((f) => f.name)).toEqual(['p', 'q']);
    expect(diff.retired).toEqual([]);
  });

  it('removes a plugin no outcome names, unless keep() says its source is only unreadable', () => {
    const gone = record('gone');
    const hidden = record('hidden');
    const diff = diffOutcomes(
      new Map([
        ['gone', gone],
        ['hidden', hidden],
      ]),
      [],
      (r) => r === hidden,
    );
    expect(diff).toMatchObject({ removed: ['gone'], kept: ['hidden'] });
    expect(diff.retired).toEqual([{ entry: gone.entry, reason: 'removed' }]);
    expect(diff.next.get('hidden')).toBe(hidden);
  });
});
