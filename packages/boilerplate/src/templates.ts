import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCAFFOLD_ERROR_CODES, ScaffoldError } from './errors.js';
import type { ResolvedScaffoldOptions } from './options.js';

/** The folder holding one folder per template (`templates/` in the package). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url));

/**
 * The template folders: `base` (manifest, README, `.gitignore`) goes into
 * every project; `greeter` adds the sources, tsconfig and test for a local
 * signature, `host-types` those for a signature from the host's types package.
 */
export type TemplateName = 'base' | 'greeter' | 'host-types';

/** One file of the project to create: its path (relative, with `/`) and its text. */
export interface ProjectFile {
  readonly path: string;
  readonly content: string;
}

/** The templates a project is made of, in order: a later one wins for the same path. */
export function selectTemplates(options: ResolvedScaffoldOptions): TemplateName[] {
  return ['base', options.types === undefined ? 'greeter' : 'host-types'];
}

/**
 * The name a template file gets in the project: a leading `_` becomes `.`
 * (`_gitignore` → `.gitignore`). Dotfiles are stored that way because
 * `npm publish` leaves `.gitignore` out of a package (it renames it to
 * `.npmignore`), so it would never reach the user.
 *
 * @param name - the file's name in the template (one path segment)
 */
export function projectFileName(name: string): string {
  return name.startsWith('_') ? `.${name.slice(1)}` : name;
}

/** The values of the `{{placeholders}}` in the templates, for these options. */
export function templateVariables(options: ResolvedScaffoldOptions): Record<string, string> {
  const types = options.types;
  return {
    name: options.name,
    format: options.format,
    formatDescription: options.format === 'esm' ? 'an ES module' : 'a CommonJS module',
    typesPackage: types?.name ?? '',
    signature:
      types === undefined
        ? '`Greeter` in `src/types.ts`, a small example interface: replace it with the signature your host expects, or import the one its types package exports (a peer dependency) and delete `src/types.ts`.'
        : `\`Plugin\` from \`${types.name}\`, the host's types package. It is a peer dependency: the host provides it at run time and it stays out of the bundle; it is also a dev dependency, so that the type check can see it. If the host names its signature differently, change the import in \`src/index.ts\`.`,
  };
}

/**
 * Replaces each `{{key}}` whose key is in `variables`; other braces are left
 * as they are.
 *
 * @param text - a template file's text
 * @param variables - from {@link templateVariables}
 */
export function fillPlaceholders(
  text: string,
  variables: Readonly<Record<string, string>>,
): string {
  return text.replace(/\{\{(\w+)\}\}/gu, (match, key: string) =>
    Object.hasOwn(variables, key) ? (variables[key] ?? match) : match,
  );
}

/** Paths of the files below `dir`, relative, with `/`, sorted. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/**
 * Reads the templates of a project and fills in their placeholders: the
 * files to write, except `package.json`, which is written, not copied.
 *
 * @throws `AUG_SCAFFOLD_WRITE` when a template cannot be read (a broken install)
 */
export async function renderTemplates(options: ResolvedScaffoldOptions): Promise<ProjectFile[]> {
  const variables = templateVariables(options);
  const files = new Map<string, string>();
  for (const template of selectTemplates(options)) {
    const dir = join(TEMPLATES_DIR, template);
    try {
      for (const path of await listFiles(dir)) {
        const target = path.split('/').map(projectFileName).join('/');
        files.set(target, fillPlaceholders(await readFile(join(dir, path), 'utf8'), variables));
      }
    } catch (cause) {
      throw new ScaffoldError(
        SCAFFOLD_ERROR_CODES.WRITE,
        `The template "${template}" could not be read from ${dir}. Reinstall @augment/boilerplate.`,
        { file: dir, cause },
      );
    }
  }
  return [...files].map(([path, content]) => ({ path, content }));
}
