// A stand-in for `npm` on PATH: it records how it was called (its arguments
// and folder, one line per call) and exits with FAKE_NPM_EXIT, so that tests
// check that the generator runs `npm install` in the new project without
// installing anything.
import { readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** A fake npm in `dir`, the environment that puts it first on PATH, and what it recorded. */
export interface FakeNpm {
  env(exitCode?: number): NodeJS.ProcessEnv;
  /** The calls, as `<args> in <folder>`. */
  calls(): Promise<string[]>;
}

/** Writes the fake `npm` into `dir` (POSIX shells only). */
export async function createFakeNpm(dir: string): Promise<FakeNpm> {
  const log = join(dir, 'npm-calls.log');
  await writeFile(log, '');
  const script = `#!/bin/sh\necho "npm $* in $(pwd)" >> "$FAKE_NPM_LOG"\necho "fake npm: $*"\nexit "\${FAKE_NPM_EXIT:-0}"\n`;
  await writeFile(join(dir, 'npm'), script, { mode: 0o755 });
  return {
    env: (exitCode = 0) => ({
      PATH: `${dir}${delimiter}${process.env['PATH'] ?? ''}`,
      FAKE_NPM_LOG: log,
      FAKE_NPM_EXIT: String(exitCode),
    }),
    calls: async () => (await readFile(log, 'utf8')).split('\n').filter((line) => line !== ''),
  };
}
