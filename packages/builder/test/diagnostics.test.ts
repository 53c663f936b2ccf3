// What the real `augment` CLI prints when a build fails: a syntax error alone
// and at once, code frames under located problems, tsc's related information,
// an install hint for a missing package; the summary of a build that worked.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureBuilt } from './helpers/cli.js';
import {
  createProject,
  linkSlowTypeScript,
  makeTempDir,
  removeDir,
  slowTscRunning,
} from './helpers/project.js';
import { lines, runCli, runCliInTty, stripAnsi } from './helpers/run-cli.js';

vi.setConfig({ testTimeout: 120_000 });
beforeAll(ensureBuilt, 120_000);

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('diag');
});
afterEach(async () => {
  await removeDir(dir);
});

const SYNTAX_ERROR = 'export const x = 1;\nexport const y = ;\n';

describe('a syntax error comes first, once', () => {
  it("esbuild's one error with a frame, no TypeScript knock-on errors, exit 1", async () => {
    await createProject(dir, { typescript: true, index: SYNTAX_ERROR });
    const run = await runCli(['build'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.match(/^error:/gmu)).toHaveLength(1);
    expect(run.stderr).toMatch(/^ {2}src\/index\.ts:2:18: Unexpected ";"$/mu);
    expect(run.stderr).toContain('2 │ export const y = ;');
    expect(run.stderr).toMatch(/╵ {18}\^/u);
    expect(run.stderr).not.toMatch(/TS\d{4}/u);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('does not wait for the type check: tsc is stopped', async () => {
    await createProject(dir, { index: SYNTAX_ERROR });
    // this tsc would run for a minute; the CLI must report and exit long before
    await linkSlowTypeScript(dir);
    const started = Date.now();
    const run = await runCli(['build'], dir);
    // well before that tsc would end by itself, however loaded the machine
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('src/index.ts:2:18');
    expect(await slowTscRunning(dir)).toBe(false);
  });
});

describe('code frames', () => {
  it("type errors as tsc shows them: the source line, ~ under it, and tsc's related information", async () => {
    await createProject(dir, {
      typescript: true,
      index: [
        'interface Greeter { greet(name: string): string }',
        'const plugin: Greeter = { greet: (name: string) => name.length };',
        'export default plugin;',
        '',
      ].join('\n'),
    });
    const run = await runCli(['build'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: TypeScript found an error in /u);
    expect(run.stderr).toMatch(/^src\/index\.ts:2:27 - error TS2322: /mu);
    expect(run.stderr).toMatch(/^2 const plugin: Greeter = /mu);
    expect(run.stderr).toMatch(/^ +~+$/mu);
    expect(run.stderr).toContain(
      "The expected type comes from property 'greet' which is declared here",
    );
    expect(run.stderr).toMatch(/^Fix it and build again/mu);
    expect(run.stderr).not.toMatch(/Found \d+ error|in the API|Fix them/u);
    expect(run.stderr).not.toContain('\u001b[');
  });

  it('an import of a package that is not installed: the frame, then npm install or peerDependencies', async () => {
    await createProject(dir, { index: "import { z } from 'zod';\nexport default z;\n" });
    const run = await runCli(['build', '--no-typecheck'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/src\/index\.ts:1:19: Could not resolve "zod"/u);
    expect(run.stderr).toContain('npm install zod');
    expect(run.stderr).toContain('peerDependencies');
    expect(run.stderr).toContain("1 │ import { z } from 'zod';");
    expect(run.stderr).not.toContain('You can mark the path');
  });

  it('a manifest that is not JSON: line:col in plugin.manifest.json and a frame, in build and validate', async () => {
    await createProject(dir, { manifest: '{\n  "name": "hello-plugin",\n  "version": 1.2.3\n}\n' });
    for (const args of [['build', '--no-typecheck'], ['validate']]) {
      const run = await runCli(args, dir);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/plugin\.manifest\.json:3:\d+: /u);
      expect(run.stderr).toContain('3 │   "version": 1.2.3');
      expect(run.stderr).not.toContain('nothing was written');
    }
  });

  it('colors the frame on a terminal, and prints it without escapes in a pipe', async () => {
    await createProject(dir, { index: SYNTAX_ERROR });
    const tty = await runCliInTty(['build', '--no-typecheck'], dir);
    expect(tty.code).toBe(1);
    expect(tty.stdout).toContain('\u001b[');
    expect(stripAnsi(tty.stdout)).toContain('2 │ export const y = ;');
  });
});

describe('feedback', () => {
  it('the summary lists what was written, with sizes', async () => {
    await createProject(dir);
    const run = await runCli(['build', '--zip', '--no-typecheck'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^wrote dist\/index\.js \d+(\.\d)? k?B, map \d+(\.\d)? k?B, release\.zip \d+(\.\d)? k?B$/mu,
    );
  });

  it('a progress line on a terminal while the types are checked, erased before the result; none in a pipe', async () => {
    await createProject(dir, { typescript: true });
    const tty = await runCliInTty(['build'], dir);
    expect(tty.code).toBe(0);
    expect(tty.stdout).toContain('checking types…');
    expect(tty.stdout).toContain('\r\u001b[K');
    // what the terminal shows: each line as rewritten after its last \r
    const shown = stripAnsi(tty.stdout)
      .split('\n')
      .map((line) => line.replace(/\r$/u, '').split('\r').at(-1) ?? '');
    const built = shown.filter((line) => line.includes('built'));
    expect(built[0]).toMatch(/^built hello-plugin@1\.2\.3/u);
    const pipe = await runCli(['build'], dir);
    expect(pipe.code).toBe(0);
    expect(pipe.stdout + pipe.stderr).not.toContain('checking types');
  });
});

describe('run from the wrong place', () => {
  it('from src/ or deeper, build and validate find the project upwards and say where it is', async () => {
    await createProject(dir);
    const deep = join(dir, 'src', 'lib');
    await mkdir(deep, { recursive: true });
    const build = await runCli(['build', '--no-typecheck'], deep);
    expect(build.code).toBe(0);
    expect(build.stdout).toContain(`project: ${dir}`);
    expect(existsSync(join(dir, 'dist/index.js'))).toBe(true);
    expect(existsSync(join(deep, 'dist'))).toBe(false);
    const validate = await runCli(['validate'], join(dir, 'src'));
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('valid: hello-plugin@1.2.3 (project)');
  });

  it('with no project upwards, names every folder it looked in', async () => {
    const deep = join(dir, 'a', 'b');
    await mkdir(deep, { recursive: true });
    const run = await runCli(['build'], deep);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: No plugin project found/u);
    for (const folder of [deep, join(dir, 'a'), dir]) expect(run.stderr).toContain(folder);
  });

  it('augment build ../missing says the folder does not exist', async () => {
    await createProject(dir);
    const run = await runCli(['build', '../missing'], join(dir, 'src'));
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: \.\.\/missing does not exist/u);
  });
});
