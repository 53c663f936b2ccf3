import { existsSync, readdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { cancel, confirm, isCancel, select, text } from '@clack/prompts';
import { checkPluginName } from './name.js';
import { parseTypesPackage } from './options.js';
import type { PluginFormat, ScaffoldOptions } from './options.js';

/** What the command line gave; the prompts ask for the rest. */
export interface GivenOptions {
  folder?: string | undefined;
  name?: string | undefined;
  format?: PluginFormat | undefined;
  types?: string | undefined;
  force: boolean;
}

/** The streams the prompts read and write (the process's by default; tests pass their own). */
export interface PromptStreams {
  input?: Readable;
  output?: Writable;
}

/** The folder asked for when none is given. */
export const DEFAULT_FOLDER = 'my-plugin';

/**
 * Tells whether the CLI may ask questions: only when both stdin and stdout
 * are terminals. Anywhere else (CI, a pipe, a closed stdin) it never waits
 * for input.
 */
export function isInteractive(
  stdin: { readonly isTTY?: boolean | undefined } = process.stdin,
  stdout: { readonly isTTY?: boolean | undefined } = process.stdout,
): boolean {
  return stdin.isTTY === true && stdout.isTTY === true;
}

/** A valid name close to `text`: `My Plugin!` → `my-plugin`; `''` when nothing is left. */
export function suggestName(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/gu, '-')
    .replace(/^[._-]+|-+$/gu, '');
}

function nameProblem(value: string | undefined): string | undefined {
  const problems = checkPluginName(value ?? '');
  return problems.length === 0 ? undefined : `The name ${problems.join('; ')}`;
}

function typesProblem(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    parseTypesPackage(value.trim());
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Tells whether `folder` holds anything but `.git` (false when it is missing or not a folder). */
function holdsFiles(folder: string): boolean {
  if (!existsSync(folder)) return false;
  try {
    return readdirSync(folder).some((name) => name !== '.git');
  } catch {
    return false;
  }
}

/**
 * Asks, in a terminal, for what the command line left out: the folder (when
 * not given), the name (only when the folder's name is not a valid one), the
 * format and the types package; and, when the folder is not empty and
 * `--force` was not given, whether to add the files beside the existing ones.
 * Resolves to the options for `scaffold()`, or `null` when the user
 * cancelled (Ctrl+C, Escape, or declined to use a folder that is not empty).
 *
 * @param given - what the command line gave
 * @param streams - where to read and write (the process's by default)
 */
export async function promptOptions(
  given: GivenOptions,
  streams: PromptStreams = {},
): Promise<ScaffoldOptions | null> {
  const stop = (): null => {
    cancel('Cancelled: nothing was written.', streams);
    return null;
  };

  let folder = given.folder;
  if (folder === undefined) {
    const answer = await text({
      ...streams,
      message: 'Where should the project be created?',
      placeholder: DEFAULT_FOLDER,
      defaultValue: DEFAULT_FOLDER,
    });
    if (isCancel(answer)) return stop();
    folder = answer.trim() === '' ? DEFAULT_FOLDER : answer.trim();
  }

  let name = given.name;
  const folderName = basename(resolve(folder));
  if (name === undefined && checkPluginName(folderName).length > 0) {
    const answer = await text({
      ...streams,
      message: `"${folderName}" cannot be a package name. Name the plugin:`,
      initialValue: suggestName(folderName),
      validate: nameProblem,
    });
    if (isCancel(answer)) return stop();
    name = answer;
  }

  let format = given.format;
  if (format === undefined) {
    const answer = await select<PluginFormat>({
      ...streams,
      message: 'Module format of the built plugin',
      initialValue: 'esm',
      options: [
        { value: 'esm', label: 'ES module', hint: 'esm, the default' },
        { value: 'cjs', label: 'CommonJS', hint: 'cjs' },
      ],
    });
    if (isCancel(answer)) return stop();
    format = answer;
  }

  let types = given.types;
  if (types === undefined) {
    const answer = await text({
      ...streams,
      message: "The host's types package with the plugin signature (empty: a local src/types.ts)",
      placeholder: 'none',
      defaultValue: '',
      validate: typesProblem,
    });
    if (isCancel(answer)) return stop();
    types = answer.trim() === '' ? undefined : answer.trim();
  }

  let force = given.force;
  if (!force && holdsFiles(resolve(folder))) {
    const answer = await confirm({
      ...streams,
      message: `${folder} is not empty. Add the project's files beside the existing ones? (no file is overwritten)`,
      initialValue: false,
    });
    if (isCancel(answer) || !answer) return stop();
    force = true;
  }

  return { dir: folder, name, format, types, force };
}
