// A temp folder per test, and the hosts a test makes on its `plugins/`
// folder, closed (and the folder removed) after each test.
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { PluginHost, type PluginHostOptions } from '../../src/index.js';
import { makeTempDir, removeDir } from './fixtures.js';

/** What {@link useTempHosts} gives a test file. */
export interface TempHosts {
  /** This test's temp folder (a new one per test). */
  readonly root: string;
  /** A host on `<root>/plugins`, logger off, closed after the test. */
  readonly makeHost: (options?: Partial<PluginHostOptions>) => PluginHost;
}

/**
 * Registers `beforeEach`/`afterEach` hooks that make a temp folder for each
 * test and close every host made with `makeHost` after it.
 *
 * @param label - part of the temp folder's name
 */
export function useTempHosts(label: string): TempHosts {
  let root = '';
  const hosts: PluginHost[] = [];
  beforeEach(async () => {
    root = await makeTempDir(label);
  });
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.close()));
    await chmod(root, 0o755).catch(() => undefined);
    await removeDir(root);
  });
  return {
    get root() {
      return root;
    },
    makeHost: (options = {}) => {
      const host = new PluginHost({ folder: join(root, 'plugins'), logger: false, ...options });
      hosts.push(host);
      return host;
    },
  };
}
