// What `augment build` puts before the bundled code: a CommonJS bundle runs
// in strict mode (nothing before its directive), and the shims for
// `import.meta.url` (CJS) and `require`/`__dirname` (ESM) appear only when
// the code uses them. Each test builds with the real CLI and loads the
// result through a real PluginHost.
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAugmentOk } from './helpers/augment.js';
import { ensureBuilt } from './helpers/cli.js';
import { CJS_DEP, createProject, makeTempDir, removeDir, runHost } from './helpers/project.js';

let dir: string;

beforeAll(ensureBuilt);

beforeEach(async () => {
  dir = await makeTempDir('prelude');
});

afterEach(async () => {
  await removeDir(dir);
});

const SLOPPY_PROBE = `
const frozen = Object.freeze({ value: 1 });
function whoIsThis(this: unknown): unknown {
  return this;
}
export default {
  writeFrozen(): string {
    try {
      (frozen as { value: number }).value = 2;
      return 'ignored';
    } catch (error) {
      return (error as Error).name;
    }
  },
  plainThis(): string {
    return typeof (whoIsThis as () => unknown)();
  },
};
`;

/** Copies dist/ into <dir>/host/plugins/probe and returns the host's plugin folder. */
async function deploy(): Promise<string> {
  await cp(join(dir, 'dist'), join(dir, 'host/plugins/probe'), { recursive: true });
  return join(dir, 'host/plugins');
}

/** Host script: loads the one plugin under `folder` and reports what `calls` returns. */
const LOAD = (folder: string, calls: string) => `
const host = new core.PluginHost({ folder: ${JSON.stringify(folder)}, logger: false });
const report = await host.reload();
const plugin = host.getAll()[0]?.plugin;
const result = plugin === undefined ? undefined : ${calls};
await host.close();
done({ result, failed: report.failed.map((f) => f.code + ' ' + f.message) });
`;

describe('a CommonJS bundle runs in strict mode', () => {
  it.each([
    ['asks for strict mode', { strict: true }],
    ['does not ask for strict mode', {}],
  ])('when tsconfig.json %s', async (_, compilerOptions) => {
    await createProject(dir, {
      index: SLOPPY_PROBE,
      files: { 'tsconfig.json': { compilerOptions, include: ['src'] } },
    });
    await runAugmentOk(['build', '--format', 'cjs', '--no-typecheck'], dir);
    const code = await readFile(join(dir, 'dist/index.js'), 'utf8');
    expect(code.split('\n')[0]).toBe('"use strict";');
    const child = await runHost(
      dir,
      LOAD(await deploy(), '[plugin.writeFrozen(), plugin.plainThis()]'),
    );
    expect(child.stderr).toBe('');
    expect(child.result).toEqual({ result: ['TypeError', 'undefined'], failed: [] });
  });

  it('adds the import.meta.url shim after the directive, and only when the code uses it', async () => {
    await createProject(dir, { index: SLOPPY_PROBE });
    await runAugmentOk(['build', '--format', 'cjs', '--no-typecheck'], dir);
    expect(await readFile(join(dir, 'dist/index.js'), 'utf8')).not.toContain('pathToFileURL');

    await createProject(dir, {
      index: `${SLOPPY_PROBE}\nexport const here: string = import.meta.url;\n`,
    });
    await runAugmentOk(['build', '--format', 'cjs', '--no-typecheck', '--minify'], dir);
    const code = await readFile(join(dir, 'dist/index.js'), 'utf8');
    expect(code.startsWith('"use strict";\n')).toBe(true);
    expect(code).toContain('pathToFileURL');
    const child = await runHost(
      dir,
      LOAD(await deploy(), '[plugin.writeFrozen(), plugin.plainThis()]'),
    );
    expect(child.result).toEqual({ result: ['TypeError', 'undefined'], failed: [] });
  });
});

describe('an ES module bundle', () => {
  it('has no createRequire or __dirname shim when the code needs none', async () => {
    await createProject(dir);
    await runAugmentOk(['build', '--no-typecheck'], dir);
    const code = await readFile(join(dir, 'dist/index.js'), 'utf8');
    expect(code).not.toContain('createRequire');
    expect(code).not.toContain('fileURLToPath');
  });

  it('still runs a CommonJS dependency that requires builtins and uses __dirname', async () => {
    await createProject(dir, {
      index: `import { joinName, hasDir } from 'cjs-dep';\nexport default { run: (): string[] => [joinName('a', 'b'), String(hasDir())] };\n`,
      packageJson: { dependencies: { 'cjs-dep': '1.0.0' } },
      files: CJS_DEP,
    });
    await runAugmentOk(['build', '--no-typecheck'], dir);
    const code = await readFile(join(dir, 'dist/index.js'), 'utf8');
    expect(code).toContain('createRequire');
    const child = await runHost(dir, LOAD(await deploy(), 'plugin.run()'));
    expect(child.stderr).toBe('');
    expect(child.result).toEqual({ result: ['a/b', 'true'], failed: [] });
  });
});
