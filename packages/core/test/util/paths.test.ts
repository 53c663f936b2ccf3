import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, isSafeRelativePath } from '../../src/util/paths.js';

describe('isInside', () => {
  it.each([
    ['/a/b', '/a/b', true],
    ['/a/b', '/a/b/c.js', true],
    ['/a/b/', '/a/b/c/d.js', true],
    ['/a/b', '/a/b/c/', true],
    ['/a/b', '/a/b/c/../d.js', true],
    ['/a/b', '/a/bc', false],
    ['/a/b', '/a/bc/x.js', false],
    ['/a/b', '/a', false],
    ['/a/b', '/a/b/../c.js', false],
    ['/a/b', '/a/b/..x/y.js', true],
    ['/a/b', '/a/b/..\\evil', true],
    ['/', '/anything', true],
    ['/a/B', '/a/b/c.js', false],
  ])('posix: %s contains %s → %s', (root, target, expected) => {
    expect(isInside(root, target, path.posix)).toBe(expected);
  });

  it.each([
    ['C:\\a\\b', 'C:\\a\\b', true],
    ['C:\\a\\b', 'C:\\a\\b\\c.js', true],
    ['C:\\a\\b\\', 'C:\\a\\b\\c.js', true],
    ['C:\\a\\b', 'C:\\a\\b\\c\\', true],
    ['C:\\x', 'C:\\xy', false],
    ['C:\\x', 'C:\\xy\\z.js', false],
    ['C:\\a\\b', 'c:\\A\\B\\c.js', true],
    ['C:\\A\\b', 'c:\\a\\B', true],
    ['C:\\a\\b', 'C:/a/b/c.js', true],
    ['C:/a/b', 'C:\\a\\b/c\\d.js', true],
    ['C:\\a\\b', 'C:\\a\\b\\..\\evil.js', false],
    ['C:\\a\\b', 'C:\\a\\b\\..\\b\\ok.js', true],
    ['C:\\a\\b', 'D:\\a\\b\\c.js', false],
    ['C:\\', 'C:\\a.js', true],
    ['\\\\server\\share\\a', '\\\\server\\share\\a\\b.js', true],
    ['\\\\server\\share\\a', '\\\\server\\share\\ab.js', false],
    ['\\\\server\\share\\a', '\\\\other\\share\\a\\b.js', false],
  ])('win32: %s contains %s → %s', (root, target, expected) => {
    expect(isInside(root, target, path.win32)).toBe(expected);
  });

  it('uses node:path by default', () => {
    const root = path.resolve('plugin');
    expect(isInside(root, path.join(root, 'dist', 'index.js'))).toBe(true);
    expect(isInside(root, `${root}-sibling`)).toBe(false);
  });
});

describe('isSafeRelativePath', () => {
  const safe = ['index.js', './dist/index.js', 'dist/index.js', 'a/..b/c.js', 'a..b.js', '...js'];
  const unsafe = [
    '',
    '..',
    '../x.js',
    './a/../b.js',
    'a/..',
    '..\\evil',
    'a\\..\\b.js',
    'a/..\\b.js',
    '/abs.js',
    '\\abs.js',
    'C:\\x.js',
    'C:/x.js',
    'C:x.js',
    'c:x.js',
    '\\\\server\\share\\x.js',
    '//server/share/x.js',
    '\\\\?\\C:\\x.js',
    'dist/\0.js',
  ];

  for (const [label, p] of [
    ['posix', path.posix],
    ['win32', path.win32],
  ] as const) {
    it.each(safe)(`${label}: accepts %j`, (rel) => {
      expect(isSafeRelativePath(rel, p)).toBe(true);
    });
    it.each(unsafe)(`${label}: rejects %j`, (rel) => {
      expect(isSafeRelativePath(rel, p)).toBe(false);
    });
  }

  it('uses node:path by default', () => {
    expect(isSafeRelativePath('./dist/index.js')).toBe(true);
    expect(isSafeRelativePath(path.resolve('x.js'))).toBe(false);
  });
});

describe('childPath', () => {
  it('joins a directory entry to its directory like path.join, without normalising', async () => {
    const { childPath } = await import('../../src/util/paths.js');
    const { sep } = path;
    const join = (a: string, b: string): string => path.join(a, b);
    const root = path.parse(process.cwd()).root;
    for (const dir of [process.cwd(), join(process.cwd(), 'a b'), root]) {
      for (const name of ['plugin.manifest.json', 'x', '.hidden', 'é']) {
        expect(childPath(dir, name)).toBe(join(dir, name));
      }
    }
    expect(childPath(root, 'x')).toBe(`${root}x`);
    expect(childPath(`${root}srv`, 'x')).toBe(`${root}srv${sep}x`);
  });
});
