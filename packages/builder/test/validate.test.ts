import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, isBuildError, pack, validate, type BuildError } from '../src/index.js';
import { createProject, makeTempDir, removeDir, writeFiles } from './helpers/project.js';

let dir: string;

beforeEach(async () => {
  dir = await makeTempDir('validate');
});

afterEach(async () => {
  await removeDir(dir);
});

async function rejection(promise: Promise<unknown>): Promise<BuildError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isBuildError(error)) throw new Error(`expected a BuildError, got ${String(error)}`);
  return error;
}

const BAD_MANIFEST = { name: 'Bad Name', version: '1', entryPoint: 'C:/x.js', meta: [] };

function writeZip(file: string, entries: Record<string, string>): Promise<void> {
  const zip = new ZipFile();
  for (const [name, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text), name);
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((done, fail) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', fail);
    zip.outputStream.on('end', () => {
      writeFile(file, Buffer.concat(chunks)).then(done, fail);
    });
  });
}

describe('validate: project', () => {
  it('accepts a project before and after it is built', async () => {
    await createProject(dir);
    const before = await validate(dir);
    expect(before).toMatchObject({ target: dir, kind: 'project', problems: [] });
    expect(before.manifest).toMatchObject({ name: 'hello-plugin', entryPoint: './dist/index.js' });
    await build({ dir });
    expect((await validate(dir)).problems).toEqual([]);
  });

  it('lists a missing src/index.ts', async () => {
    await createProject(dir);
    await rm(join(dir, 'src/index.ts'));
    const result = await validate(dir);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^src\/index\.ts: missing/u);
  });

  it('lists an entry point that exists but is not a file', async () => {
    await createProject(dir, { files: { 'dist/index.js/keep': '' } });
    const result = await validate(dir);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(
      /^plugin\.manifest\.json: .*is a directory, not a regular file/u,
    );
  });

  it('rejects an invalid manifest, listing every problem', async () => {
    await createProject(dir, { manifest: BAD_MANIFEST });
    const error = await rejection(validate(dir));
    expect(error.code).toBe('AUG_BUILD_MANIFEST_INVALID');
    expect(error.details).toHaveLength(4);
    expect(error.details.every((line) => /^plugin\.manifest\.json:\d+:\d+: /u.test(line))).toBe(
      true,
    );
  });

  it('rejects a folder without a manifest, a missing target and a file that is no zip', async () => {
    await writeFiles(dir, { 'notes.txt': 'x' });
    expect((await rejection(validate(dir))).code).toBe('AUG_BUILD_NO_MANIFEST');
    expect((await rejection(validate(join(dir, 'nope')))).code).toBe('AUG_BUILD_VALIDATE');
    expect((await rejection(validate(join(dir, 'notes.txt')))).code).toBe('AUG_BUILD_VALIDATE');
  });
});

describe('validate: dist', () => {
  it('accepts a built dist/ and lists a missing entry point', async () => {
    await createProject(dir);
    await build({ dir });
    const dist = join(dir, 'dist');
    const result = await validate(dist);
    expect(result).toMatchObject({ target: dist, kind: 'dist', problems: [] });
    expect(result.manifest.entryPoint).toBe('./index.js');
    await rm(join(dist, 'index.js'));
    const broken = await validate(dist);
    expect(broken.problems).toHaveLength(1);
    expect(broken.problems[0]).toMatch(/does not exist/u);
  });
});

describe('validate: archive', () => {
  it('accepts a packed plugin', async () => {
    await createProject(dir);
    const { zip } = await build({ dir, zip: true });
    const result = await validate(zip!.path);
    expect(result).toMatchObject({ target: zip!.path, kind: 'archive', problems: [] });
    expect(result.manifest).toMatchObject({ name: 'hello-plugin', entryPoint: './index.js' });
  });

  it('lists an entry point the archive does not hold', async () => {
    await writeFiles(dir, {
      'plugin/plugin.manifest.json': { name: 'p', version: '1.0.0', entryPoint: './main.js' },
      'plugin/index.js': '',
    });
    await pack(join(dir, 'plugin'), join(dir, 'p.zip'));
    const result = await validate(join(dir, 'p.zip'));
    expect(result.problems).toEqual([
      'plugin.manifest.json: entry point "./main.js" is not in the archive',
    ]);
  });

  it('rejects an invalid manifest inside, a zip without one, and a corrupt zip', async () => {
    await writeZip(join(dir, 'bad.zip'), {
      'plugin.manifest.json': JSON.stringify(BAD_MANIFEST),
    });
    const invalid = await rejection(validate(join(dir, 'bad.zip')));
    expect(invalid.code).toBe('AUG_BUILD_MANIFEST_INVALID');
    expect(invalid.details).toHaveLength(4);

    await writeZip(join(dir, 'empty.zip'), { 'index.js': '' });
    expect((await rejection(validate(join(dir, 'empty.zip')))).code).toBe('AUG_BUILD_NO_MANIFEST');

    await writeFile(join(dir, 'corrupt.zip'), 'PK\x03\x04 not really a zip');
    const corrupt = await rejection(validate(join(dir, 'corrupt.zip')));
    expect(corrupt.code).toBe('AUG_BUILD_VALIDATE');
    expect(corrupt.details[0]).toMatch(/corrupt\.zip/u);
  });
});
