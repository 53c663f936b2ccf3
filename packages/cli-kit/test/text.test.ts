import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { displayPath, shellQuote } from '../src/paths.js';
import { plural } from '../src/text.js';
import { readPackageVersion } from '../src/version.js';

describe('plural', () => {
  it('adds an s but for one', () => {
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(0, 'error')).toBe('0 errors');
    expect(plural(2, 'existing file')).toBe('2 existing files');
  });
});

describe('displayPath', () => {
  it('is relative inside the current folder, absolute outside, with / separators', () => {
    const cwd = join(tmpdir(), 'project');
    expect(displayPath(cwd, cwd)).toBe('.');
    expect(displayPath(join(cwd, 'dist', 'index.js'), cwd)).toBe('dist/index.js');
    const outside = join(tmpdir(), 'elsewhere');
    expect(displayPath(outside, cwd)).toBe(outside.split('\\').join('/'));
  });
});

describe('shellQuote', () => {
  it('leaves a plain path alone and quotes one with spaces or shell characters', () => {
    expect(shellQuote('my-plugin/src')).toBe('my-plugin/src');
    expect(shellQuote('my plugin')).toBe('"my plugin"');
    expect(shellQuote('a"$b')).toBe('"a\\"\\$b"');
  });
});

describe('readPackageVersion', () => {
  it('reads version from a package.json, 0.0.0 when it has none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'augment-cli-kit-version-'));
    try {
      const file = join(dir, 'package.json');
      await writeFile(file, JSON.stringify({ name: 'x', version: '1.2.3' }));
      expect(readPackageVersion(pathToFileURL(file))).toBe('1.2.3');
      expect(readPackageVersion(file)).toBe('1.2.3');
      await writeFile(file, JSON.stringify({ name: 'x' }));
      expect(readPackageVersion(file)).toBe('0.0.0');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
