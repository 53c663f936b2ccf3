// The scan's selection steps on plain data, without a host: which candidates
// go on, which fail and why, and which one of a name wins.
import { describe, expect, it } from 'vitest';
import { classifyCandidates, settleConflicts } from '../../src/reload/classify.js';
import { AugmentError, ERROR_CODES } from '../../src/errors.js';
import type { PluginCandidate } from '../../src/sources/source.js';
import type { Manifest } from '../../src/types.js';

function candidate(
  source: string,
  manifest: Partial<Manifest> | undefined,
  origin: 'directory' | 'archive' = 'directory',
): PluginCandidate {
  return {
    source,
    dir: source,
    origin,
    fingerprint: 'f',
    manifest:
      manifest === undefined
        ? undefined
        : { name: 'p', version: '1.0.0', entryPoint: './index.mjs', meta: {}, ...manifest },
    error: undefined,
  };
}
const keepAll = { ignore: () => false, hostVersion: undefined };

describe('classifyCandidates', () => {
  it('fails a candidate with an error at its stage and marks its source broken', () => {
    const refused = {
      ...candidate('/f/a.zip', undefined, 'archive'),
      error: new AugmentError(ERROR_CODES.ARCHIVE_UNSAFE_NAME, 'unsafe'),
      errorStage: 'extract' as const,
    };
    const { valid, failures, broken } = classifyCandidates([refused], [], keepAll);
    expect(valid).toEqual([]);
    expect(failures.map((f) => [f.source, f.stage, f.code])).toEqual([
      ['/f/a.zip', 'extract', 'AUG_ARCHIVE_UNSAFE_NAME'],
    ]);
    expect([...broken]).toEqual(['/f/a.zip']);
  });

  it('drops ignored plugins without a trace and fails a throwing predicate', () => {
    const ignore = (m: Manifest): boolean => {
      if (m.name === 'bad') throw new Error('bug');
      return m.name === 'skip';
    };
    const { valid, failures, broken } = classifyCandidates(
      [candidate('/f/skip', { name: 'skip' }), candidate('/f/bad', { name: 'bad' })],
      [],
      { ignore, hostVersion: undefined },
    );
    expect(valid).toEqual([]);
    expect(failures.map((f) => [f.name, f.code])).toEqual([['bad', 'AUG_VALIDATE_THREW']]);
    expect([...broken]).toEqual(['/f/bad']);
  });

  it('fails a plugin made for another host version', () => {
    const { valid, failures } = classifyCandidates(
      [candidate('/f/new', { name: 'new', engines: { host: '>=2' } }), candidate('/f/ok', {})],
      [],
      { ignore: () => false, hostVersion: '1.5.0' },
    );
    expect(valid.map((c) => c.source)).toEqual(['/f/ok']);
    expect(failures.map((f) => [f.stage, f.code])).toEqual([['engines', 'AUG_ENGINES_MISMATCH']]);
  });
});

describe('settleConflicts', () => {
  const valid = (c: PluginCandidate): PluginCandidate & { manifest: Manifest } =>
    c as PluginCandidate & { manifest: Manifest };

  it('keeps the higher version, then a directory over an archive, then the first path', () => {
    const older = valid(candidate('/f/a', { name: 'x', version: '1.0.0' }));
    const newer = valid(candidate('/f/b.zip', { name: 'x', version: '1.1.0' }, 'archive'));
    const dirTie = valid(candidate('/f/z', { name: 'y' }));
    const zipTie = valid(candidate('/f/a.zip', { name: 'y' }, 'archive'));
    const first = valid(candidate('/f/m', { name: 'w' }));
    const second = valid(candidate('/f/n', { name: 'w' }));
    const { winners, failures } = settleConflicts([older, newer, zipTie, dirTie, second, first]);
    expect(winners.map((w) => w.source).sort()).toEqual(['/f/b.zip', '/f/m', '/f/z']);
    expect(failures.map((f) => [f.source, f.stage, f.code])).toEqual([
      ['/f/a', 'conflict', 'AUG_CONFLICT_DUPLICATE'],
      ['/f/a.zip', 'conflict', 'AUG_CONFLICT_DUPLICATE'],
      ['/f/n', 'conflict', 'AUG_CONFLICT_DUPLICATE'],
    ]);
    expect(failures[0]?.message).toContain('/f/b.zip');
  });

  it('lets a lone plugin win without a failure', () => {
    const only = valid(candidate('/f/a', { name: 'solo' }));
    expect(settleConflicts([only])).toEqual({ winners: [only], failures: [] });
  });
});
