// Stack traces of a deployed plugin: `augment build` makes a plugin whose
// src/explode.ts throws on line 4, the built dist/ is copied into a host's
// folder under another name (and its release.zip loaded from a cache), and
// the stack a host prints must name the plugin, its version and the
// original file and line.
import { copyFile, cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAugmentOk } from './helpers/augment.js';
import { ensureBuilt } from './helpers/cli.js';
import { CJS_DEP, createProject, makeTempDir, removeDir, runHost } from './helpers/project.js';

const NAME = '@acme/boom';
const VERSION = '1.2.0';

/** Line 4 throws. */
const EXPLODE = `export function explode(reason: string): never {
  const message = \`kaboom: \${reason}\`;
  // the next line throws
  throw new Error(message);
}
`;

/** Uses a CommonJS dependency and import.meta.url, so that both formats get a prelude. */
const INDEX = `import { joinName } from 'cjs-dep';
import { explode } from './explode.js';

export const here: string = import.meta.url;
export default {
  run(): never {
    return explode(joinName('a', 'b'));
  },
};
`;

const VARIANTS = {
  esm: ['--format', 'esm'],
  cjs: ['--format', 'cjs'],
  'esm-minified': ['--format', 'esm', '--minify'],
  'cjs-minified': ['--format', 'cjs', '--minify'],
} as const;
type Variant = keyof typeof VARIANTS;

let root: string;

/** Builds the project for `variant`; deploys dist/ as plugins/deployed-copy and the zip as zips/boom.zip. */
async function buildVariant(variant: Variant): Promise<void> {
  const project = join(root, 'projects', variant);
  await createProject(project, {
    name: NAME,
    version: VERSION,
    index: INDEX,
    packageJson: { dependencies: { 'cjs-dep': '1.0.0' } },
    files: { ...CJS_DEP, 'src/explode.ts': EXPLODE },
  });
  await runAugmentOk(['build', '--zip', '--no-typecheck', ...VARIANTS[variant]], project);
  const host = join(root, 'hosts', variant);
  await cp(join(project, 'dist'), join(host, 'plugins/deployed-copy'), { recursive: true });
  await mkdir(join(host, 'zips'), { recursive: true });
  await copyFile(join(project, 'release.zip'), join(host, 'zips/boom.zip'));
}

beforeAll(async () => {
  await ensureBuilt();
  root = await makeTempDir('stack');
  for (const variant of Object.keys(VARIANTS) as Variant[]) await buildVariant(variant);
}, 120_000);

afterAll(async () => {
  await removeDir(root);
});

/** Host script: loads `folder` with core's defaults, calls the plugin, reports the stack. */
const CALL = (folder: string) => `
const host = new core.PluginHost({ folder: ${JSON.stringify(folder)}, logger: false, cacheDir: path.join(${JSON.stringify(folder)}, '..', 'cache') });
const report = await host.reload();
let stack;
try { host.getAll()[0].plugin.run(); } catch (error) { stack = error.stack; }
await host.close();
done({ stack, failed: report.failed.map((f) => f.code + ' ' + f.message) });
`;

const FRAME = (file: string, line: number) =>
  new RegExp(
    `\\(augment-plugin:///@acme/boom@1\\.2\\.0/${file.replace('.', '\\.')}:${line}:\\d+\\)`,
    'u',
  );

describe('the stack trace of a deployed plugin', () => {
  it.each(Object.keys(VARIANTS) as Variant[])(
    'names the plugin, its version and src/explode.ts:4 (%s, copied dist/ and zip)',
    async (variant) => {
      for (const folder of ['plugins', 'zips']) {
        const child = await runHost(root, CALL(join(root, 'hosts', variant, folder)));
        expect(child.stderr).toBe('');
        const { stack, failed } = child.result as { stack: string; failed: string[] };
        expect(failed).toEqual([]);
        const frames = stack.split('\n');
        expect(frames[0]).toBe('Error: kaboom: a/b');
        expect(frames[1]).toMatch(FRAME('src/explode.ts', 4));
        expect(frames[2]).toMatch(FRAME('src/index.ts', 7));
        expect(stack).not.toContain('deployed-copy/src');
      }
    },
  );

  it('keeps every source in the map, with its content', async () => {
    const project = join(root, 'projects/esm');
    const map = JSON.parse(await readFile(join(project, 'dist/index.js.map'), 'utf8')) as {
      sources: string[];
      sourcesContent: string[];
      sourceRoot?: string;
    };
    const base = `augment-plugin:///${NAME}@${VERSION}`;
    expect(map.sources).toEqual([
      `${base}/node_modules/cjs-dep/lib.js`,
      `${base}/src/index.ts`,
      `${base}/src/explode.ts`,
    ]);
    expect(map.sourceRoot).toBeUndefined();
    expect(map.sourcesContent.slice(1)).toEqual([INDEX, EXPLODE]);
    for (const source of map.sources) expect(new URL(source).href).toBe(source);
  });
});
