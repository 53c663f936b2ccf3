/**
 * What a user downloads: the files `npm pack` puts in @augment/core's tarball
 * (from the built package: `npm run build -w @augment/core` first). One ES
 * module build, which the CommonJS entry only `require()`s, and zod beside
 * it in dist/zod.cjs, loaded when the manifest schema is first needed; their
 * declarations; no source maps; zod and semver bundled (devDependencies) or
 * dependencies, never both; and the whole under {@link MAX_UNPACKED_BYTES}.
 * Measured in bench/RESULTS.md (install size and import cost).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CORE = resolve(fileURLToPath(new URL('../', import.meta.url)));

/**
 * The bound on the unpacked tarball: about 510 KB today (a 285 KB bundle,
 * its declarations twice, the README). A second build (+300 KB) or source
 * maps (+900 KB) cannot hide under it; growth beyond it is a decision to
 * measure (`node bench/import-cost.mjs`) and record, not an accident. Raised
 * from 500 KB for the `augment dev` endpoint and targeted reloads (issue 16:
 * +23 KB, 16 KB of it code; `node:net` loads on first use, and the import
 * cost measured the same before and after, within the noise of a busy machine).
 */
const MAX_UNPACKED_BYTES = 525_000;

/** A string each library's bundled code holds, which survives minification. */
const BUNDLED_MARKERS = { zod: '$ZodType', semver: 'SEMVER_SPEC_VERSION' } as const;

interface PackResult {
  unpackedSize: number;
  files: { path: string; size: number }[];
}

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      done({ code, stdout, stderr });
    });
  });
}

let pack: PackResult;
let dir: string;

beforeAll(async () => {
  const npm = await run('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], CORE);
  expect(npm.code, `npm pack --dry-run failed in ${CORE}:\n${npm.stderr}`).toBe(0);
  const [result] = JSON.parse(npm.stdout) as PackResult[];
  if (result === undefined) throw new Error(`npm pack --dry-run reported nothing in ${CORE}`);
  pack = result;
  dir = await mkdtemp(join(tmpdir(), 'augment-package-size-'));
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("@augment/core's tarball", () => {
  it(`unpacks to under ${MAX_UNPACKED_BYTES / 1000} KB, without source maps`, () => {
    const sizes = pack.files.map((file) => `${file.path} ${file.size}`).join('\n');
    expect(pack.unpackedSize, `the tarball's files:\n${sizes}`).toBeLessThan(MAX_UNPACKED_BYTES);
    expect(pack.files.filter((file) => file.path.endsWith('.map'))).toEqual([]);
  });

  it('ships JavaScript in ASCII only, which V8 keeps as one-byte strings', () => {
    // one character outside ASCII, even in a comment, makes the whole source
    // a two-byte string: slower to decode and to compile (1-2 ms of a ~27 ms
    // import; `node bench/import-cost.mjs`). Write `...`, `->`, `\u00b9`.
    const scripts = pack.files.filter((file) => /\.(c|m)?js$/.test(file.path));
    expect(scripts.length).toBeGreaterThan(0);
    for (const { path } of scripts) {
      const lines = readFileSync(join(CORE, path), 'utf8').split('\n');
      const wide = lines
        .map((line, index) => ({ line: index + 1, text: line }))
        .filter(({ text }) => !/^[\t\n\r\x20-\x7e]*$/.test(text))
        .map(({ line, text }) => `${path}:${String(line)}: ${text.trim()}`);
      expect(wide, `non-ASCII in ${path} (fix the source it comes from)`).toEqual([]);
    }
  });

  it('holds one build: the CommonJS entry only requires the ES module', () => {
    const paths = pack.files.map((file) => file.path);
    expect(paths.filter((path) => /\.(?:c|m)?js$/u.test(path)).sort()).toEqual([
      'dist/index.cjs',
      'dist/index.js',
      'dist/zod.cjs',
    ]);
    const entry = pack.files.find((file) => file.path === 'dist/index.cjs');
    expect(entry?.size).toBeLessThan(1024);
    expect(readFileSync(join(CORE, 'dist/index.cjs'), 'utf8')).toContain("require('./index.js')");
  });

  it.each(Object.entries(BUNDLED_MARKERS))(
    'bundles %s only when it is not a dependency',
    (name, marker) => {
      const pkg = JSON.parse(readFileSync(join(CORE, 'package.json'), 'utf8')) as PackageJson;
      const bundled = pack.files
        .filter((file) => /\.(?:c|m)?js$/u.test(file.path))
        .some((file) => readFileSync(join(CORE, file.path), 'utf8').includes(marker));
      if (pkg.dependencies?.[name] !== undefined) {
        expect(bundled, `${name} is a dependency: dist/ must not hold a copy`).toBe(false);
      } else {
        expect(bundled, `${name} is not a dependency: dist/ must bundle it`).toBe(true);
        expect(pkg.devDependencies?.[name], `${name} must be a devDependency`).toBeDefined();
      }
    },
  );
});

describe('the built package', () => {
  it('loads zod only when a manifest needs the schema, from CommonJS and ES modules', async () => {
    const script = join(dir, 'schema-on-demand.cjs');
    const esm = JSON.stringify(new URL('../dist/index.js', import.meta.url).href);
    await writeFile(
      script,
      `const path = require('node:path');
const zodLoaded = () => Object.keys(require.cache).some((file) => path.basename(file) === 'zod.cjs');
const steps = [];
const check = (core) => {
  steps.push(zodLoaded());
  core.validateManifest({ name: 'fine', version: '1.0.0', entryPoint: './dist/index.js' });
  steps.push(zodLoaded());
  try {
    core.validateManifest({ name: 'Broken', version: '1', entryPoint: './dist/index.js' });
  } catch (error) {
    steps.push(error.code, core.getManifestIssues(error).length);
  }
  steps.push(zodLoaded(), Object.keys(core.getManifestJsonSchema().properties).includes('entryPoint'));
};
import(${esm}).then((core) => {
  check(core);
  check(require(${JSON.stringify(join(CORE, 'dist/index.cjs'))}));
  console.log(JSON.stringify(steps));
});
`,
    );
    const result = await run(process.execPath, [script], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const once = [false, false, 'AUG_MANIFEST_INVALID', 2, true, true];
    expect(JSON.parse(result.stdout)).toEqual([...once, true, true, ...once.slice(2)]);
  });
});

describe('a host bundled into one file', () => {
  it('is told to keep core external when dist/zod.cjs stayed behind', async () => {
    const bundle = join(dir, 'host-bundle.mjs');
    await copyFile(join(CORE, 'dist/index.js'), bundle);
    const script = join(dir, 'bundled-host.mjs');
    await writeFile(
      script,
      `import { validateManifest } from './host-bundle.mjs';
validateManifest({ name: 'fine', version: '1.0.0', entryPoint: './dist/index.js' });
validateManifest({ name: 'Broken' });
`,
    );
    const result = await run(process.execPath, [script], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${join(dir, 'zod.cjs')} (its copy of zod)`);
    expect(result.stderr).toContain('is missing');
    expect(result.stderr).toContain('keep @augment/core external');
  });
});

describe('importing the built package', () => {
  it.each(['esm', 'cjs'])('from %s loads neither node:crypto nor node:zlib', async (kind) => {
    const script = join(dir, `builtins-${kind}.cjs`);
    const load =
      kind === 'esm'
        ? `import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)})`
        : `Promise.resolve(require(${JSON.stringify(join(CORE, 'dist/index.cjs'))}))`;
    await writeFile(
      script,
      `${load}.then(() => {
  console.log(JSON.stringify(process.moduleLoadList.filter((name) => /^NativeModule (crypto|zlib)$/.test(name))));
});
`,
    );
    const result = await run(process.execPath, [script], dir);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});

describe('the CommonJS entry', () => {
  it('gives a CommonJS host the very module an ES module host imports, without a warning', async () => {
    const script = join(dir, 'one-copy.cjs');
    const esm = JSON.stringify(new URL('../dist/index.js', import.meta.url).href);
    await writeFile(
      script,
      `const required = require(${JSON.stringify(join(CORE, 'dist/index.cjs'))});
import(${esm}).then((imported) => {
  console.log(JSON.stringify({
    same: required.PluginHost === imported.PluginHost && required.AugmentError === imported.AugmentError,
    keys: Object.keys(required).length === Object.keys(imported).length,
  }));
});
`,
    );
    const result = await run(process.execPath, [script], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ same: true, keys: true });
  });

  it('says what to do when this Node.js cannot require() an ES module', async () => {
    const script = join(dir, 'no-require-esm.cjs');
    await writeFile(script, `require(${JSON.stringify(join(CORE, 'dist/index.cjs'))});\n`);
    const result = await run(process.execPath, ['--no-experimental-require-module', script], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('@augment/core is an ES module');
    expect(result.stderr).toContain('Node.js 20.19 or later');
    expect(result.stderr).toContain("import('@augment/core')");
  });
});
