// An error that is not an AugmentError is a bug in the generator: the built
// bin prints it as the builder prints its own, `error:` and the stack, then
// asks for a report naming the package. The bug is made by a preload module
// that breaks the read of the bin's own package.json.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, makeTempDir, removeDir, runCli } from './helpers/cli.js';

let temp: string;
beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  temp = await makeTempDir('bug');
});
afterEach(async () => {
  await removeDir(temp);
});

const BREAK_VERSION = `import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const original = fs.readFileSync;
fs.readFileSync = (path, ...rest) => {
  if (String(path).endsWith('boilerplate/package.json')) throw new TypeError('boom in the bin');
  return original(path, ...rest);
};
syncBuiltinESMExports();
`;

describe('a bug', () => {
  it('is printed behind error: with its stack and a request to report it, exit 1', async () => {
    const preload = join(temp, 'break-version.mjs');
    await writeFile(preload, BREAK_VERSION);
    const env = { NODE_OPTIONS: `--import ${pathToFileURL(preload).href}` };
    const run = await runCli(['my-plugin'], temp, { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: TypeError: boom in the bin\n\s+at /u);
    expect(run.stderr).toContain(
      'This is a bug in @augment/boilerplate; please report it with the lines above.',
    );
  });
});
