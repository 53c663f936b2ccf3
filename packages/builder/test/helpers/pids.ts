import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file a test's host scripts append their pid to, in their working folder. */
export const PIDS_FILE = 'pids.txt';

/** Kills every process listed in `<dir>/pids.txt`: hosts a failed test left running. */
export async function killRecordedPids(dir: string): Promise<void> {
  const file = join(dir, PIDS_FILE);
  if (!existsSync(file)) return;
  for (const pid of (await readFile(file, 'utf8')).split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
}
