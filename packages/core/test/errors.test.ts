import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  AugmentError,
  ERROR_CODES,
  LoadError,
  ManifestError,
  describeError,
  isAugmentError,
} from '../src/errors.js';

describe('error codes', () => {
  it('are pinned: a shipped code never disappears or changes', () => {
    expect(ERROR_CODES).toMatchInlineSnapshot(`
      {
        "ARCHIVE_COLLISION": "AUG_ARCHIVE_COLLISION",
        "ARCHIVE_CORRUPT_DATA": "AUG_ARCHIVE_CORRUPT_DATA",
        "ARCHIVE_INTEGRITY": "AUG_ARCHIVE_INTEGRITY",
        "ARCHIVE_INVALID": "AUG_ARCHIVE_INVALID",
        "ARCHIVE_LIMIT": "AUG_ARCHIVE_LIMIT",
        "ARCHIVE_NO_MANIFEST": "AUG_ARCHIVE_NO_MANIFEST",
        "ARCHIVE_UNREADABLE": "AUG_ARCHIVE_UNREADABLE",
        "ARCHIVE_UNSAFE_NAME": "AUG_ARCHIVE_UNSAFE_NAME",
        "ARCHIVE_UNSUPPORTED_ENTRY": "AUG_ARCHIVE_UNSUPPORTED_ENTRY",
        "ARCHIVE_WRITE": "AUG_ARCHIVE_WRITE",
        "CONFLICT_DUPLICATE": "AUG_CONFLICT_DUPLICATE",
        "DEPENDENCY_CYCLE": "AUG_DEPENDENCY_CYCLE",
        "DEPENDENCY_DISABLED": "AUG_DEPENDENCY_DISABLED",
        "DEPENDENCY_FAILED": "AUG_DEPENDENCY_FAILED",
        "DEPENDENCY_MISSING": "AUG_DEPENDENCY_MISSING",
        "DEPENDENCY_VERSION": "AUG_DEPENDENCY_VERSION",
        "DEV_DISABLED": "AUG_DEV_DISABLED",
        "DEV_FORBIDDEN": "AUG_DEV_FORBIDDEN",
        "DEV_LISTEN": "AUG_DEV_LISTEN",
        "DEV_NOT_FOUND": "AUG_DEV_NOT_FOUND",
        "DEV_PROTOCOL": "AUG_DEV_PROTOCOL",
        "ENGINES_MISMATCH": "AUG_ENGINES_MISMATCH",
        "ENTRY_MISSING": "AUG_ENTRY_MISSING",
        "ENTRY_OUTSIDE": "AUG_ENTRY_OUTSIDE",
        "FOLDER_MISSING": "AUG_FOLDER_MISSING",
        "FOLDER_UNREADABLE": "AUG_FOLDER_UNREADABLE",
        "HOST_CLOSED": "AUG_HOST_CLOSED",
        "LOAD_HOOK": "AUG_LOAD_HOOK",
        "LOAD_IMPORT": "AUG_LOAD_IMPORT",
        "LOAD_TIMEOUT": "AUG_LOAD_TIMEOUT",
        "MANIFEST_INVALID": "AUG_MANIFEST_INVALID",
        "MANIFEST_PARSE": "AUG_MANIFEST_PARSE",
        "MANIFEST_UNREADABLE": "AUG_MANIFEST_UNREADABLE",
        "OPTIONS_INVALID": "AUG_OPTIONS_INVALID",
        "STRICT_FAILED": "AUG_STRICT_FAILED",
        "UNLOAD_HOOK": "AUG_UNLOAD_HOOK",
        "VALIDATE_META": "AUG_VALIDATE_META",
        "VALIDATE_REJECTED": "AUG_VALIDATE_REJECTED",
        "VALIDATE_THREW": "AUG_VALIDATE_THREW",
        "WATCH_FAILED": "AUG_WATCH_FAILED",
      }
    `);
  });

  it('each have a section in docs/errors.md', async () => {
    const docs = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const sections = new Set(
      [...docs.matchAll(/^## (AUG_[A-Z_]+)$/gm)]
        .map((m) => m[1])
        .filter((code) => code !== undefined && !/^AUG_(BUILD|SCAFFOLD|DOCTOR)_/.test(code)),
    );
    expect([...sections].sort()).toEqual(Object.values(ERROR_CODES).sort());
  });
});

describe('AugmentError', () => {
  it('carries code, plugin, file and cause, and is recognised across copies by its brand', () => {
    const cause = new Error('inner');
    const error = new ManifestError(ERROR_CODES.MANIFEST_INVALID, 'bad', {
      plugin: 'p',
      file: '/x/plugin.manifest.json',
      cause,
    });
    expect(error).toBeInstanceOf(AugmentError);
    expect(error.name).toBe('ManifestError');
    expect(error.code).toBe('AUG_MANIFEST_INVALID');
    expect(error.plugin).toBe('p');
    expect(error.file).toBe('/x/plugin.manifest.json');
    expect(error.cause).toBe(cause);
    expect(isAugmentError(error)).toBe(true);
    expect(isAugmentError(new LoadError(ERROR_CODES.LOAD_IMPORT, 'x'))).toBe(true);
    const foreign = Object.assign(new Error('x'), { [Symbol.for('augment.error')]: true });
    expect(isAugmentError(foreign)).toBe(true);
    expect(isAugmentError(new Error('x'))).toBe(false);
    expect(isAugmentError(null)).toBe(false);
    expect(isAugmentError('AUG_X')).toBe(false);
  });

  it('has no cause property when none is given', () => {
    expect('cause' in new AugmentError(ERROR_CODES.HOST_CLOSED, 'closed')).toBe(false);
  });

  it('describes any thrown value in one line', () => {
    expect(describeError(new Error('m'))).toBe('m');
    expect(describeError({ message: 'obj' })).toBe('obj');
    expect(describeError(42)).toBe('42');
  });
});
