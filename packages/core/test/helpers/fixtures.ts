import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Makes a fresh temp folder. Its name contains `augment-fixture` so that
 * Vitest lets Node itself import the files in it (see vitest.config.ts).
 */
export async function makeTempDir(label = 'test'): Promise<string> {
  return mkdtemp(join(tmpdir(), `augment-fixture-${label}-`));
}

/** Writes files (relative path → content; objects are written as JSON) below `root`. */
export async function writeFiles(
  root: string,
  files: Record<string, string | object>,
): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const file = join(root, relative);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

/** Removes a temp folder made by {@link makeTempDir}. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
