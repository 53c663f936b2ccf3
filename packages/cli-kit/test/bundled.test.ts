// cli-kit is private: the published builder and boilerplate carry it inside
// their dist/ (tsup noExternal), and neither depends on it once installed.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The repository root. */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

interface PackageJson {
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

async function readPackageJson(dir: string): Promise<PackageJson> {
  return JSON.parse(await readFile(join(REPO, dir, 'package.json'), 'utf8')) as PackageJson;
}

describe.each(['packages/builder', 'packages/boilerplate'])('%s', (dir) => {
  it('has @augment/cli-kit as a dev dependency only', async () => {
    const pkg = await readPackageJson(dir);
    expect(pkg.devDependencies).toHaveProperty(['@augment/cli-kit']);
    for (const field of [pkg.dependencies, pkg.peerDependencies, pkg.optionalDependencies]) {
      expect(field ?? {}).not.toHaveProperty(['@augment/cli-kit']);
    }
  });

  it('has no import of @augment/cli-kit left in dist/', async () => {
    const dist = join(REPO, dir, 'dist');
    if (!existsSync(dist)) throw new Error(`${dist} is missing: run npm run build first`);
    const files = (await readdir(dist)).filter((name) => /\.(c?js|d\.c?ts)$/u.test(name));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const text = await readFile(join(dist, name), 'utf8');
      expect(text, name).not.toMatch(/["']@augment\/cli-kit(\/[\w-]+)?["']/u);
    }
  });
});

describe('@augment/cli-kit', () => {
  it('is private, so never published', async () => {
    expect((await readPackageJson('packages/cli-kit')).private).toBe(true);
  });
});
