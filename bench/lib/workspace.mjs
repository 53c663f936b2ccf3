// Where the benchmarks write their generated plugins and projects: under the
// repository's node_modules/.cache (ignored by git, ESLint and Prettier, and
// inside the repository so that generated projects resolve the workspace's
// packages: typescript, @types/node, semver). Generated folders are reused
// by later runs while the generator is unchanged.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTemplate, writePluginFolder } from './plugins.mjs';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_DIR = dirname(BENCH_DIR.replace(/[\\/]$/, ''));
export const PROBES_DIR = join(BENCH_DIR, 'probes');

/**
 * @param {string} name - probe file name in bench/probes
 * @returns {string}
 */
export const probe = (name) => join(PROBES_DIR, name);

/** @typedef {{ js: string, map: string }} Template */

export class Workspace {
  /** @type {Map<string, Promise<Template>>} */
  #templates = new Map();
  /** @type {Promise<string> | undefined} */
  #generatorHash;

  /** @param {string} dir - the workspace root (created on demand) */
  constructor(dir) {
    this.dir = dir;
  }

  /**
   * The workspace of a run: full runs and smoke runs use different folders,
   * so a smoke test never disturbs a benchmark running beside it.
   *
   * @param {boolean} smoke
   * @returns {Workspace}
   */
  static forRun(smoke) {
    return new Workspace(
      join(REPO_DIR, 'node_modules', '.cache', 'augment-bench', smoke ? 'smoke' : 'full'),
    );
  }

  /**
   * A path inside the workspace.
   *
   * @param {...string} parts
   * @returns {string}
   */
  path(...parts) {
    return join(this.dir, ...parts);
  }

  /**
   * A fresh, empty folder inside the workspace.
   *
   * @param {...string} parts
   * @returns {Promise<string>}
   */
  async freshDir(...parts) {
    const dir = this.path(...parts);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /**
   * The esbuild output of the template plugin.
   *
   * @param {'esm' | 'cjs'} format
   * @returns {Promise<Template>}
   */
  template(format) {
    let template = this.#templates.get(format);
    if (template === undefined) {
      template = buildTemplate(format);
      this.#templates.set(format, template);
    }
    return template;
  }

  /**
   * A folder of `count` generated plugins, made once and reused while the
   * generator's source is unchanged.
   *
   * @param {string} name - folder name in the workspace
   * @param {{ count: number, format: 'esm' | 'cjs', maps?: boolean, links?: 'chains' | 'fan-in' }} options
   * @returns {Promise<string>} the folder
   */
  async pluginFolder(name, { count, format, maps = false, links }) {
    const folder = this.path('plugins', name);
    const stampFile = this.path('plugins', `${name}.stamp`);
    const stamp = JSON.stringify({
      count,
      format,
      maps,
      links,
      generator: await this.generatorHash(),
    });
    const previous = await readFile(stampFile, 'utf8').catch(() => undefined);
    if (previous === stamp && existsSync(folder)) return folder;
    await rm(stampFile, { force: true });
    await writePluginFolder(folder, {
      count,
      format,
      maps,
      links,
      template: await this.template(format),
    });
    await writeFile(stampFile, stamp);
    return folder;
  }

  /**
   * The plugins of {@link pluginFolder} packed as `.zip` archives by the
   * builder's `pack()` (what `augment build --zip` writes), one per plugin.
   *
   * @param {string} name - folder name in the workspace
   * @param {{ count: number, format: 'esm' | 'cjs' }} options
   * @returns {Promise<{ zips: string, dirs: string }>} the archive folder and the directory folder
   */
  async zipFolder(name, { count, format }) {
    const dirs = await this.pluginFolder(`${name}-dirs`, { count, format });
    const zips = this.path('plugins', name);
    const stampFile = this.path('plugins', `${name}.stamp`);
    const stamp = JSON.stringify({
      count,
      format,
      zips: true,
      generator: await this.generatorHash(),
    });
    const previous = await readFile(stampFile, 'utf8').catch(() => undefined);
    if (previous === stamp && existsSync(zips)) return { zips, dirs };
    await rm(stampFile, { force: true });
    await rm(zips, { recursive: true, force: true });
    await mkdir(zips, { recursive: true });
    const { pack } = await import('@augment/builder');
    for (const entry of (await readdir(dirs)).sort()) {
      const zip = join(zips, `${entry}.zip`);
      await pack(join(dirs, entry), zip);
      await rm(`${zip}.sha256`, { force: true });
    }
    await writeFile(stampFile, stamp);
    return { zips, dirs };
  }

  /** @returns {Promise<string>} a hash of the generator's source and Node's version */
  generatorHash() {
    this.#generatorHash ??= readFile(new URL('plugins.mjs', import.meta.url)).then((source) =>
      createHash('sha256').update(source).update(process.version).digest('hex').slice(0, 16),
    );
    return this.#generatorHash;
  }
}
