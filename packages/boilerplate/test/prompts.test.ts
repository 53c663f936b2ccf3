// Drives the @clack/prompts questions through fake terminal streams: each
// step waits for its question to appear in the output, then types its keys.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from './helpers/cli.js';
import { isInteractive, promptOptions, suggestName } from '../src/prompts.js';
import type { GivenOptions } from '../src/prompts.js';

const ENTER = '\r';
const DOWN = '\u001b[B';
const LEFT = '\u001b[D';
const RIGHT = '\u001b[C';
const CTRL_C = '\u0003';

/** A question to wait for (a text in the output) and the keys that answer it. */
type Step = [question: string, keys: string];

interface Terminal {
  input: PassThrough;
  output: Writable;
  /** Everything written so far. */
  text(): string;
}

function createTerminal(): Terminal {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: () => input,
  });
  let written = '';
  const output = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        written += chunk.toString();
        callback();
      },
    }),
    { isTTY: true, columns: 100, rows: 30 },
  );
  return { input, output, text: () => written };
}

/** Runs the prompts, answering each step once its question shows. */
async function answer(given: GivenOptions, steps: readonly Step[]) {
  const terminal = createTerminal();
  const result = promptOptions(given, { input: terminal.input, output: terminal.output });
  let seen = 0;
  for (const [question, keys] of steps) {
    for (let waited = 0; terminal.text().indexOf(question, seen) === -1; waited += 5) {
      if (waited > 20_000) throw new Error(`"${question}" was not asked:\n${terminal.text()}`);
      await sleep(5);
    }
    seen = terminal.text().indexOf(question, seen) + question.length;
    terminal.input.write(keys);
  }
  const answers = await result;
  return { options: answers?.options ?? null, install: answers?.install, output: terminal.text() };
}

let temp: string;
beforeEach(async () => {
  temp = await makeTempDir('prompts');
});
afterEach(async () => {
  await removeDir(temp);
});

describe('promptOptions()', () => {
  it('asks for the folder, the format, the types package and npm install when none is given', async () => {
    const folder = join(temp, 'my-thing');
    const { options, install } = await answer({ force: false }, [
      ['Where should the project be created?', `${folder}${ENTER}`],
      ['Module format', `${DOWN}${ENTER}`],
      ["host's types package", `app-types@^2${ENTER}`],
      ['Install the dependencies now (npm install)?', `${RIGHT}${ENTER}`],
    ]);
    expect(install).toBe(false);
    expect(options).toEqual({
      dir: folder,
      name: undefined,
      format: 'cjs',
      types: 'app-types@^2',
      force: false,
    });
  });

  it('takes the defaults on Enter', async () => {
    const { options, install } = await answer({ folder: join(temp, 'p'), force: false }, [
      ['Module format', ENTER],
      ["host's types package", ENTER],
      ['npm install', ENTER],
    ]);
    expect(options).toMatchObject({ format: 'esm', types: undefined });
    expect(install).toBe(true);
  });

  it('asks for a name only when the folder name is not a valid one, and checks it', async () => {
    const { options, output } = await answer(
      { folder: join(temp, 'My Thing'), format: 'esm', types: '', force: false, install: false },
      [
        ['cannot be a package name', `${'\u007f'.repeat(20)}Bad${ENTER}`],
        ['must be lower-case', `${'\u007f'.repeat(3)}good-name${ENTER}`],
      ],
    );
    expect(output).toContain('"My Thing" cannot be a package name');
    expect(options).toMatchObject({ name: 'good-name' });
  });

  it('refuses an invalid types package name in the prompt', async () => {
    const given = { folder: join(temp, 'p'), format: 'cjs' as const, force: false, install: true };
    const { options } = await answer(given, [
      ["host's types package", `Bad Types${ENTER}`],
      ['not a valid npm package name', `${'\u007f'.repeat(9)}ok-types${ENTER}`],
    ]);
    expect(options).toMatchObject({ types: 'ok-types' });
  });

  it('asks before using a folder that is not empty', async () => {
    const folder = join(temp, 'taken');
    await mkdir(folder);
    await writeFile(join(folder, 'notes.txt'), 'mine');
    const given = { folder, format: 'esm' as const, types: '', force: false, install: false };
    const declined = await answer(given, [['is not empty', ENTER]]);
    expect(declined.options).toBeNull();
    const accepted = await answer(given, [['is not empty', `${LEFT}${ENTER}`]]);
    expect(accepted.options).toMatchObject({ force: true });
  });

  it('checks the folder before any other question', async () => {
    const folder = join(temp, 'taken');
    await mkdir(folder);
    await writeFile(join(folder, 'notes.txt'), 'mine');
    const { options, output } = await answer({ folder, force: false }, [['is not empty', ENTER]]);
    expect(options).toBeNull();
    expect(output).not.toContain('Module format');

    const asked = await answer({ force: false }, [
      ['Where should the project be created?', `${folder}${ENTER}`],
      ['is not empty', `${LEFT}${ENTER}`],
      ['Module format', ENTER],
      ["host's types package", ENTER],
      ['npm install', ENTER],
    ]);
    expect(asked.output.indexOf('is not empty')).toBeLessThan(
      asked.output.indexOf('Module format'),
    );
    expect(asked.options).toMatchObject({ dir: folder, force: true });
  });

  it('refuses a file as the folder: in the prompt, and at once when given', async () => {
    const file = join(temp, 'a-file');
    await writeFile(file, 'mine');
    const { options, output } = await answer({ force: false, install: false }, [
      ['Where should the project be created?', `${file}${ENTER}`],
      ['is a file, not a folder', `${'\u007f'.repeat(6)}folder${ENTER}`],
      ['Module format', ENTER],
      ["host's types package", ENTER],
    ]);
    expect(output).toContain(`${file} is a file, not a folder`);
    expect(options).toMatchObject({ dir: join(temp, 'folder') });

    await expect(
      promptOptions({ folder: file, force: false }, createTerminal()),
    ).rejects.toMatchObject({ code: 'AUG_SCAFFOLD_NOT_A_FOLDER' });
  });

  it('resolves to null when cancelled', async () => {
    const { options, output } = await answer({ force: false }, [
      ['Where should the project be created?', CTRL_C],
    ]);
    expect(options).toBeNull();
    expect(output).toContain('Cancelled: nothing was written.');
  });
});

describe('isInteractive()', () => {
  it('needs both stdin and stdout to be terminals', () => {
    expect(isInteractive({ isTTY: true }, { isTTY: true })).toBe(true);
    expect(isInteractive({ isTTY: false }, { isTTY: true })).toBe(false);
    expect(isInteractive({}, { isTTY: true })).toBe(false);
    expect(isInteractive({ isTTY: true }, {})).toBe(false);
  });
});

describe('suggestName()', () => {
  it.each([
    ['My Thing', 'my-thing'],
    ['_Hidden.Plugin!', 'hidden.plugin'],
    ['???', ''],
  ])('%j → %j', (text, name) => {
    expect(suggestName(text)).toBe(name);
  });
});
