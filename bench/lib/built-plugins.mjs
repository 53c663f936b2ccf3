// Realistic built plugins: what `augment build` writes for a plugin that
// bundles real libraries (zod's tree-shakeable `zod/mini` and semver, both
// in the workspace's node_modules): a ~100 KB `index.js` and a ~430 KB
// `index.js.map`. The project is built once by the real CLI; each of the N
// plugins is a copy of its dist/ under its own name, with its own id in the
// bundle (a string of the same length, so the map stays exact) and its
// own name in the map's `augment-plugin:///<name>@<version>/` sources.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './child.mjs';
import { AUGMENT_CLI } from './project.mjs';

const NAME = 'bench-built';
const ID = 'PLUGIN-ID-000000';

const SOURCE = `import * as z from 'zod/mini';
import semver from 'semver';

export const id = '${ID}';
const Visitor = z.object({ name: z.string().check(z.minLength(1)), visits: z.number() });

export default {
  greet(who: string): string {
    const visitor = Visitor.parse({ name: who, visits: 1 });
    return \`hello \${visitor.name} from \${id}\`;
  },
  summarize(): string {
    return semver.valid('1.2.3') ?? 'none';
  },
  fail(): never {
    throw new Error(\`\${id} failed\`);
  },
};
`;

const PROJECT = {
  'package.json': {
    name: NAME,
    version: '1.0.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    dependencies: { zod: '^4.0.0', semver: '^7.0.0' },
  },
  'plugin.manifest.json': { name: NAME, version: '1.0.0', entryPoint: './dist/index.js' },
  'src/index.ts': SOURCE,
};

/**
 * Writes the project (not built) into `dir`, which must be inside the
 * repository so that zod and semver resolve from the workspace. Its
 * `greet(who)` returns `hello <who> from <id>`: the `augment dev` row edits
 * the `hello`.
 *
 * @param {string} dir
 */
export async function writeBuiltProject(dir) {
  for (const [file, content] of Object.entries(PROJECT)) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(
      join(dir, file),
      typeof content === 'string' ? content : JSON.stringify(content, null, 2),
    );
  }
}

/**
 * @typedef {object} BuiltFolders
 * @property {string} maps - N built plugins, each with `index.js.map`
 * @property {string} plain - the same plugins without their `.map` files
 * @property {number} jsBytes - size of one `index.js`
 * @property {number} mapBytes - size of one `index.js.map`
 */

/**
 * Builds the project with `augment build` and writes `count` copies of its
 * dist/, with and without maps; reused while the count and the generator
 * (this file) are unchanged.
 *
 * @param {import('./workspace.mjs').Workspace} ws
 * @param {number} count
 * @returns {Promise<BuiltFolders>}
 */
export async function builtPluginFolders(ws, count) {
  const maps = ws.path('plugins', `built-${count}-maps`);
  const plain = ws.path('plugins', `built-${count}-plain`);
  const stampFile = ws.path('plugins', `built-${count}.stamp`);
  const source = await readFile(new URL(import.meta.url), 'utf8');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const stamp = JSON.stringify({ count, generator: hash });
  const previous = await readFile(stampFile, 'utf8').catch(() => undefined);
  if (previous !== stamp || !existsSync(maps) || !existsSync(plain)) {
    await rm(stampFile, { force: true });
    const dist = await buildProject(ws);
    await writeCopies(dist, maps, count, true);
    await writeCopies(dist, plain, count, false);
    await writeFile(stampFile, stamp);
  }
  const first = join(maps, (await readdir(maps)).sort()[0] ?? '');
  return {
    maps,
    plain,
    jsBytes: (await stat(join(first, 'index.js'))).size,
    mapBytes: (await stat(join(first, 'index.js.map'))).size,
  };
}

/**
 * @param {import('./workspace.mjs').Workspace} ws
 * @returns {Promise<string>} the built dist/
 */
async function buildProject(ws) {
  const dir = await ws.freshDir('projects', NAME);
  await writeBuiltProject(dir);
  await runCommand(process.execPath, [AUGMENT_CLI, 'build', '--no-typecheck'], { cwd: dir });
  return join(dir, 'dist');
}

/**
 * @param {string} dist
 * @param {string} folder
 * @param {number} count
 * @param {boolean} withMaps
 */
async function writeCopies(dist, folder, count, withMaps) {
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  const js = await readFile(join(dist, 'index.js'), 'utf8');
  const map = await readFile(join(dist, 'index.js.map'), 'utf8');
  const manifest = JSON.parse(await readFile(join(dist, 'plugin.manifest.json'), 'utf8'));
  if (!js.includes(ID)) throw new Error(`the bundle has no ${ID}`);
  for (let index = 0; index < count; index += 1) {
    const number = String(index).padStart(6, '0');
    const name = `built-${number}`;
    const dir = join(folder, name);
    await mkdir(dir, { recursive: true });
    await cp(join(dist, 'package.json'), join(dir, 'package.json'));
    await writeFile(
      join(dir, 'plugin.manifest.json'),
      JSON.stringify({ ...manifest, name }, null, 2),
    );
    await writeFile(join(dir, 'index.js'), js.replace(ID, `PLUGIN-ID-${number}`));
    if (withMaps) {
      await writeFile(
        join(dir, 'index.js.map'),
        map.replaceAll(`augment-plugin:///${NAME}@`, `augment-plugin:///${name}@`),
      );
    }
  }
}
