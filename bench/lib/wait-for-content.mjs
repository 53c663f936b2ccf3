// Waits for a file to hold a text: how the builder rows time an edit to the
// rebuilt bundle on disk.
import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** The poll between watch events, in ms. */
const POLL_MS = 5;

/**
 * Resolves once `file` contains `text`: checked on every change in `dir`
 * (fs.watch) and every 5 ms. One read at a time: a check asked for while a
 * read runs waits for it and reads once more. Overlapping reads of a bundle
 * of hundreds of KB, a new one every 5 ms however long each takes, loaded
 * the two cores the edit was timed on (up to 100 ms more per edit, and more
 * for the side with more processes).
 *
 * @param {string} dir
 * @param {string} file
 * @param {string} text
 * @param {number} [timeoutMs]
 * @returns {Promise<void>}
 */
export function waitForContent(dir, file, text, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    let done = false;
    let reading = false;
    let again = false;
    const finish = (/** @type {Error | undefined} */ error) => {
      done = true;
      watcher.close();
      clearInterval(poll);
      clearTimeout(timeout);
      if (error === undefined) resolve();
      else reject(error);
    };
    const check = async () => {
      if (done) return;
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      do {
        again = false;
        const content = await readFile(file, 'utf8').catch(() => '');
        if (!done && content.includes(text)) finish(undefined);
      } while (again && !done);
      reading = false;
    };
    const watcher = watch(dir, () => void check());
    const poll = setInterval(() => void check(), POLL_MS);
    const timeout = setTimeout(
      () => finish(new Error(`${file} never contained "${text}"`)),
      timeoutMs,
    );
  });
}
