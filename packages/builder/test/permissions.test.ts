// The modes of what `augment build` writes follow the user's umask (0755 and
// 0644 under 022), never 0700: a dist/ copied into a host's plugin folder
// must be readable by a host running as another user. Each test runs the
// real CLI under a given umask and stats every file it wrote.
import { chmod, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAugmentOk } from './helpers/augment.js';
import { ensureBuilt } from './helpers/cli.js';
import { createProject, makeTempDir, removeDir } from './helpers/project.js';

let dir: string;

beforeAll(ensureBuilt);

beforeEach(async () => {
  dir = await makeTempDir('modes');
});

afterEach(async () => {
  await removeDir(dir);
});

/** Every file and folder below `root` (itself included), with its permission bits. */
async function modes(root: string, prefix: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  const walk = async (path: string, name: string): Promise<void> => {
    const stats = await stat(path);
    found[name] = (stats.mode & 0o777).toString(8);
    if (!stats.isDirectory()) return;
    for (const entry of await readdir(path)) await walk(join(path, entry), `${name}/${entry}`);
  };
  await walk(root, prefix);
  return found;
}

describe.runIf(process.platform !== 'win32')('modes of what the builder writes', () => {
  it.each([
    ['022', '755', '644'],
    ['002', '775', '664'],
  ])('follow umask %s: folders %s, files %s', async (umask, folder, file) => {
    await createProject(dir, {
      files: {
        'assets/i18n/en.json': { hello: 'Hello' },
        'assets/private.txt': 'made with 0600 by its author',
        'assets/tool.sh': '#!/bin/sh\necho tool\n',
      },
    });
    await chmod(join(dir, 'assets/private.txt'), 0o600);
    await chmod(join(dir, 'assets/tool.sh'), 0o700);
    await chmod(join(dir, 'assets/i18n'), 0o700);
    await runAugmentOk(['build', '--no-typecheck', '--out', 'releases/v1/plugin.zip'], dir, {
      umask: Number.parseInt(umask, 8),
    });
    const executable = folder;
    expect(await modes(join(dir, 'dist'), 'dist')).toEqual({
      dist: folder,
      'dist/assets': folder,
      'dist/assets/i18n': folder,
      'dist/assets/i18n/en.json': file,
      'dist/assets/private.txt': file,
      'dist/assets/tool.sh': executable,
      'dist/index.js': file,
      'dist/index.js.map': file,
      'dist/package.json': file,
      'dist/plugin.manifest.json': file,
    });
    expect(await modes(join(dir, 'releases'), 'releases')).toEqual({
      releases: folder,
      'releases/v1': folder,
      'releases/v1/plugin.zip': file,
      'releases/v1/plugin.zip.sha256': file,
    });
  });
});
