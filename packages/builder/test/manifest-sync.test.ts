// `augment sync` (issue 12, point 5): package.json's name and version copied
// into plugin.manifest.json, its formatting kept; and a generated project
// whose `npm version` runs it, in a git repository committing the manifest.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, REPO, cleanEnv, ensureBuilt } from './helpers/cli.js';
import { makeTempDir, removeDir, writeFiles } from './helpers/project.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in `cwd`, without a TTY or color variables. */
function run(command: string, args: string[], cwd: string): Run {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...cleanEnv(), npm_lifecycle_event: '' },
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const augment = (args: string[], cwd: string): Run => run(process.execPath, [CLI, ...args], cwd);

let dir: string;

beforeAll(ensureBuilt, 120_000);

beforeEach(async () => {
  dir = await makeTempDir('sync');
});

afterEach(async () => {
  await removeDir(dir);
});

describe('augment sync', () => {
  it("copies package.json's name and version, changing nothing else in the file", async () => {
    const before = [
      '{',
      '    "$schema": "./schema.json",',
      '    "name": "old-name",',
      '    "version": "1.0.0",',
      '    "entryPoint": "./dist/index.js",',
      '    "meta": { "kind": "greeter" }',
      '}',
      '',
    ].join('\n');
    await writeFiles(dir, {
      'package.json': { name: 'new-name', version: '1.1.0' },
      'plugin.manifest.json': before,
    });
    const first = augment(['sync'], dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('synced plugin.manifest.json: name "old-name" → "new-name"');
    expect(first.stdout).toContain('synced plugin.manifest.json: version "1.0.0" → "1.1.0"');
    expect(await readFile(join(dir, 'plugin.manifest.json'), 'utf8')).toBe(
      before.replace('old-name', 'new-name').replace('1.0.0', '1.1.0'),
    );

    const again = augment(['sync'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already has package\.json's name and version/u);
  });

  it('keeps a byte-order mark, CRLF line ends and tabs', async () => {
    const before =
      '\uFEFF{\r\n\t"name": "x",\r\n\t"version": "1.0.0",\r\n\t"entryPoint": "./dist/index.js"\r\n}\r\n';
    await writeFiles(dir, {
      'package.json': { name: 'x', version: '2.0.0' },
      'plugin.manifest.json': before,
    });
    const result = augment(['sync'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await readFile(join(dir, 'plugin.manifest.json'), 'utf8')).toBe(
      before.replace('1.0.0', '2.0.0'),
    );
  });

  it('says what is missing when package.json has no version, exit 1', async () => {
    await writeFiles(dir, {
      'package.json': { name: 'x' },
      'plugin.manifest.json': { name: 'x', version: '1.0.0', entryPoint: './dist/index.js' },
    });
    const result = augment(['sync'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/package\.json has no string "name" and "version"/u);
  });
});

describe('npm version in a generated project', () => {
  /** A project made by the real generator, with `augment` linked where npm scripts find it. */
  async function generate(): Promise<string> {
    const generator = join(REPO, 'packages/boilerplate/dist/cli.js');
    const made = run(process.execPath, [generator, 'my-plugin', '--yes'], dir);
    expect(made.code, made.stderr).toBe(0);
    const project = join(dir, 'my-plugin');
    await mkdir(join(project, 'node_modules/.bin'), { recursive: true });
    await symlink(
      join(REPO, 'packages/builder/bin/augment.js'),
      join(project, 'node_modules/.bin/augment'),
    );
    return project;
  }

  const manifestVersion = async (project: string): Promise<unknown> =>
    (
      JSON.parse(await readFile(join(project, 'plugin.manifest.json'), 'utf8')) as {
        version: unknown;
      }
    ).version;

  it('npm version patch --no-git-tag-version: the manifest follows', async () => {
    const project = await generate();
    const bumped = run('npm', ['version', 'patch', '--no-git-tag-version'], project);
    expect(bumped.code, bumped.stderr).toBe(0);
    expect(await manifestVersion(project)).toBe('0.1.1');
    expect(augment(['validate'], project).code).toBe(0);
  });

  it('npm version patch in a git repository commits the manifest with package.json', async () => {
    const project = await generate();
    await writeFile(join(project, '.gitignore'), 'node_modules/\n');
    for (const args of [
      ['init', '-q'],
      ['config', 'user.name', 'Test'],
      ['config', 'user.email', 'test@example.com'],
      ['config', 'commit.gpgsign', 'false'],
      ['add', '-A'],
      ['commit', '-q', '-m', 'init'],
    ]) {
      const git = run('git', args, project);
      expect(git.code, git.stderr).toBe(0);
    }
    const bumped = run('npm', ['version', 'patch'], project);
    expect(bumped.code, bumped.stderr).toBe(0);
    const committed = run('git', ['show', '--name-only', '--format=%s', 'HEAD'], project).stdout;
    expect(committed.split('\n')).toEqual(
      expect.arrayContaining(['0.1.1', 'package.json', 'plugin.manifest.json']),
    );
    const shown = run('git', ['show', 'HEAD:plugin.manifest.json'], project).stdout;
    expect(JSON.parse(shown)).toMatchObject({ version: '0.1.1' });
    expect(run('git', ['status', '--porcelain'], project).stdout).toBe('');
  });
});
