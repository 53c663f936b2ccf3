// The archive floor needs Debian's `unzip`. A full run installs it when it is
// missing (`apt-get install -y unzip`, as root); a smoke run never installs
// anything and skips that floor instead.
import { spawnSync } from 'node:child_process';

/** @returns {boolean} whether `unzip` runs */
export function hasUnzip() {
  const probe = spawnSync('unzip', ['-v'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Makes sure `unzip` is installed.
 *
 * @param {{ install: boolean, log: (message: string) => void }} options
 * @returns {boolean} whether `unzip` is available now
 */
export function ensureUnzip({ install, log }) {
  if (hasUnzip()) return true;
  if (!install) return false;
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    throw new Error(
      'unzip is not installed: install it (Debian: apt-get install -y unzip) and run again',
    );
  }
  log('unzip is missing: apt-get install -y unzip');
  const apt = (/** @type {string[]} */ args) =>
    spawnSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0;
  if (!apt(['install', '-y', 'unzip'])) {
    // An old or missing package list: update it once, then try again.
    apt(['update']);
    apt(['install', '-y', 'unzip']);
  }
  if (!hasUnzip()) throw new Error('apt-get install -y unzip did not install unzip');
  return true;
}
