import { basename } from 'node:path';
import type { ScaffoldResult } from '../scaffold.js';
import { INSTALL_COMMAND } from './install.js';
import { displayPath, plural, shellQuote } from '@augment/cli-kit';
import type { Output } from '@augment/cli-kit';

function printList(write: (text: string) => void, paths: readonly string[]): void {
  for (const path of paths) write(`  ${path}`);
}

/** Prints what was written and what was kept (on stderr: the user has to merge those). */
export function printCreated(output: Output, result: ScaffoldResult): void {
  const { name, format, created, unchanged, skipped } = result;
  output.line(
    `${output.style('green', 'created')} ${output.style('bold', name)} (${format}) in ${displayPath(result.dir)}: ${plural(created.length, 'file')}`,
  );
  printList(output.line, created);
  if (unchanged.length > 0) {
    output.line(`already there with the template's content: ${unchanged.join(', ')}`);
  }
  if (skipped.length > 0) {
    output.problem(
      `${output.styleErr('yellow', 'kept')} ${plural(skipped.length, 'existing file')}, not overwritten (compare them with the template's and merge by hand):`,
    );
    printList(output.problem, skipped);
  }
}

/**
 * Prints the closing lines: the commands to run next (`npm install` only
 * when it was not run), and how to try the plugin in a host.
 *
 * @param installed - whether `npm install` ran and succeeded
 */
export function printNextSteps(output: Output, result: ScaffoldResult, installed: boolean): void {
  const where = displayPath(result.dir);
  const folder = shellQuote(basename(result.dir));
  output.line('');
  output.line('Next:');
  if (where !== '.') output.line(`  cd ${shellQuote(where)}`);
  if (!installed) output.line(`  ${INSTALL_COMMAND}`);
  output.line('  npm run watch   # builds dist/, then rebuilds it on every save');
  output.line('  npm test        # builds dist/ and release.zip, then loads the plugin');
  output.line('');
  output.line("Try it in a host: copy dist/ (or release.zip) into the host's plugins folder:");
  output.line(`  cp -R dist <host>/plugins/${folder}`);
  output.line(`  cp release.zip <host>/plugins/${folder}.zip`);
}
