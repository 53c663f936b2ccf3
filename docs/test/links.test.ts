/**
 * Every relative link of the Markdown docs (root README, packages' READMEs,
 * docs/*.md) reaches a file that exists and, when it names one, a heading of
 * that file: moving a section from one document to another cannot leave a
 * dead link behind.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAnchors, readLinks } from './markdown-links.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** The Markdown files readers follow links between. */
function docFiles(): string[] {
  const packages = readdirSync(join(REPO, 'packages'))
    .map((name) => join(REPO, 'packages', name, 'README.md'))
    .filter((file) => existsSync(file));
  const docs = readdirSync(join(REPO, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(REPO, 'docs', name));
  return [join(REPO, 'README.md'), ...packages, ...docs];
}

const anchorsOf = new Map<string, Set<string>>();
function anchors(file: string): Set<string> {
  let found = anchorsOf.get(file);
  if (found === undefined) {
    found = readAnchors(readFileSync(file, 'utf8'));
    anchorsOf.set(file, found);
  }
  return found;
}

/** What is wrong with one link of `file`, or undefined when it resolves. */
function problemOf(file: string, target: string): string | undefined {
  const [path = '', anchor] = target.split('#', 2);
  const to = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
  if (!existsSync(to)) return `${relative(REPO, to)} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!statSync(to).isFile() || !to.endsWith('.md')) return undefined;
  return anchors(to).has(anchor) ? undefined : `${relative(REPO, to)} has no heading #${anchor}`;
}

describe('relative links of the docs', () => {
  for (const file of docFiles()) {
    it(`resolve in ${relative(REPO, file)}`, () => {
      const problems = readLinks(readFileSync(file, 'utf8'))
        .filter(({ target }) => !/^[a-z][a-z0-9+.-]*:/iu.test(target))
        .flatMap(({ target, line }) => {
          const problem = problemOf(file, target);
          return problem === undefined ? [] : [`line ${String(line)}: ${target}: ${problem}`];
        });
      expect(problems).toEqual([]);
    });
  }
});
