// `augment link` / `augment unlink` through the real CLI, in temp folders: the
// link made and found again, the refusals, and that unlink removes only ours.
import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, readlink, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureBuilt } from './helpers/cli.js';
import { createProject, makeTempDir, removeDir } from './helpers/project.js';
import { runCli } from './helpers/run-cli.js';

vi.setConfig({ testTimeout: 120_000 });
beforeAll(ensureBuilt, 120_000);

let root: string;
let project: string;
let host: string;

beforeEach(async () => {
  root = await makeTempDir('link');
  project = join(root, 'my-plugin');
  host = join(root, 'host/plugins');
  await mkdir(host, { recursive: true });
  await createProject(project, { name: 'my-plugin', version: '1.0.0' });
});
afterEach(async () => {
  await removeDir(root);
});

async function build(dir = project): Promise<void> {
  const run = await runCli(['build', '--no-typecheck'], dir);
  expect(run.code, run.stderr).toBe(0);
}

describe('augment link', () => {
  it('links dist/ under the plugin name, and says so again without changing anything', async () => {
    await build();
    const first = await runCli(['link', host], project);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/linked .*my-plugin → dist\/ \(a symlink\)/u);
    const entry = join(host, 'my-plugin');
    expect((await lstat(entry)).isSymbolicLink()).toBe(true);
    expect(await realpath(entry)).toBe(await realpath(join(project, 'dist')));

    const again = await runCli(['link', host, project], root);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already linked: .*my-plugin → /u);
    expect(await readlink(entry)).toBe(join(project, 'dist'));
  });

  it('maps a scoped name to @scope+name', async () => {
    await createProject(project, { name: '@acme/my-plugin', version: '1.0.0' });
    await build();
    const run = await runCli(['link', host], project);
    expect(run.code, run.stderr).toBe(0);
    expect((await lstat(join(host, '@acme+my-plugin'))).isSymbolicLink()).toBe(true);
    expect((await runCli(['unlink', host], project)).code).toBe(0);
    expect(existsSync(join(host, '@acme+my-plugin'))).toBe(false);
  });

  it('refuses a missing folder, an unbuilt project, and a name taken by a folder, another link or a zip', async () => {
    const missing = await runCli(['link', join(root, 'nowhere')], project);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nowhere does not exist\. Pass the folder the host loads/u);

    const unbuilt = await runCli(['link', host], project);
    expect(unbuilt.code).toBe(1);
    expect(unbuilt.stderr).toMatch(/has no built plugin to link\. Build it first/u);

    await build();
    const entry = join(host, 'my-plugin');
    await mkdir(entry);
    await writeFile(join(entry, 'keep.txt'), 'mine');
    const folder = await runCli(['link', host], project);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/my-plugin is a folder \(not a link made by augment/u);
    expect(await readFile(join(entry, 'keep.txt'), 'utf8')).toBe('mine');

    await removeDir(entry);
    const elsewhere = join(root, 'other/dist');
    await mkdir(elsewhere, { recursive: true });
    await symlink(elsewhere, entry);
    const link = await runCli(['link', host], project);
    expect(link.code).toBe(1);
    expect(link.stderr).toContain(`is a link to ${elsewhere}; nothing was linked`);
    expect(await readlink(entry)).toBe(elsewhere);

    await removeDir(entry);
    await writeFile(`${entry}.zip`, 'an archive of the plugin');
    const zip = await runCli(['link', host], project);
    expect(zip.code).toBe(1);
    expect(zip.stderr).toMatch(/my-plugin\.zip beside it holds the plugin already/u);
    expect(existsSync(entry)).toBe(false);
  });

  it('unlink removes only our link: not a folder, a file or a link elsewhere', async () => {
    await build();
    const entry = join(host, 'my-plugin');
    await mkdir(entry);
    const folder = await runCli(['unlink', host], project);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/is a folder .*it was left as it is/u);
    expect((await lstat(entry)).isDirectory()).toBe(true);

    await removeDir(entry);
    await writeFile(entry, 'a file');
    expect((await runCli(['unlink', host], project)).code).toBe(1);
    expect(await readFile(entry, 'utf8')).toBe('a file');

    await removeDir(entry);
    const elsewhere = join(root, 'other');
    await mkdir(elsewhere);
    await symlink(elsewhere, entry);
    expect((await runCli(['unlink', host], project)).code).toBe(1);
    expect(await readlink(entry)).toBe(elsewhere);

    await removeDir(entry);
    const nothing = await runCli(['unlink', host], project);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toMatch(/nothing to unlink/u);
  });

  it('falls back to a marked copy where links are refused, and unlinks only that copy', async () => {
    await build();
    const forced = { AUGMENT_LINK_COPY: '1' };
    const run = await runCli(['link', host], project, forced);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\(a copy: links are not possible here\)/u);
    const entry = join(host, 'my-plugin');
    expect((await lstat(entry)).isDirectory()).toBe(true);
    expect(await readFile(join(entry, 'index.js'), 'utf8')).toBe(
      await readFile(join(project, 'dist/index.js'), 'utf8'),
    );
    expect((await runCli(['link', host], project, forced)).stdout).toMatch(/already linked/u);

    // another project's copy is not ours
    const other = join(root, 'other');
    await createProject(other, { name: 'my-plugin', version: '1.0.0' });
    expect((await runCli(['unlink', host], other)).code).toBe(1);
    expect(existsSync(join(entry, 'index.js'))).toBe(true);

    const unlinked = await runCli(['unlink', host], project);
    expect(unlinked.code, unlinked.stderr).toBe(0);
    expect(existsSync(entry)).toBe(false);
  });

  it('takes a usage error (exit 2) without the folder', async () => {
    expect((await runCli(['link'], project)).code).toBe(2);
    expect((await runCli(['unlink'], project)).code).toBe(2);
    expect((await runCli(['dev'], project)).code).toBe(2);
  });
});
