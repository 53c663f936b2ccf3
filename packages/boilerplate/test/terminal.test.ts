// The built bin in a real pseudo-terminal: the title comes first, and the
// target folder is checked before any other question.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, makeTempDir, removeDir, REPO } from './helpers/cli.js';
import { ENTER, hasScript, runInTerminal } from './helpers/terminal.js';
import { readFile } from 'node:fs/promises';

let temp: string;
beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  temp = await makeTempDir('terminal');
});
afterEach(async () => {
  await removeDir(temp);
});

async function readVersion(): Promise<string> {
  const path = join(REPO, 'packages/boilerplate/package.json');
  return (JSON.parse(await readFile(path, 'utf8')) as { version: string }).version;
}

describe.skipIf(!hasScript())('on a terminal', () => {
  it('prints the title with the version before the first question', async () => {
    const run = await runInTerminal([], temp, [['Where should the project be created?', '\u0003']]);
    expect(run.code).toBe(1);
    const title = `create-augment-plugin v${await readVersion()}`;
    expect(run.output).toContain(title);
    expect(run.output.indexOf(title)).toBeLessThan(run.output.indexOf('Where should'));
  });

  it('says a folder is not empty before asking anything else', async () => {
    const folder = join(temp, 'taken');
    await mkdir(folder);
    await writeFile(join(folder, 'notes.txt'), 'mine');
    const run = await runInTerminal(['taken'], temp, [['taken is not empty', ENTER]]);
    expect(run.code).toBe(1);
    expect(run.output).toContain('Cancelled: nothing was written.');
    expect(run.output).not.toContain('Module format');
    expect(await readdir(folder)).toEqual(['notes.txt']);
  });

  it('refuses a file as the folder at once', async () => {
    await writeFile(join(temp, 'a-file'), 'mine');
    const run = await runInTerminal(['a-file'], temp, []);
    expect(run.code).toBe(1);
    expect(run.output).toContain('a-file is a file, not a folder');
    expect(run.output).not.toContain('Module format');
  });
});
