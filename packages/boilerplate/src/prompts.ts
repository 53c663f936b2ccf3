import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { cancel, confirm, isCancel, select, text } from '@clack/prompts';
import { checkPluginName } from './name.js';
import { parseTypesPackage } from './options.js';
import type { PluginFormat, ScaffoldOptions } from './options.js';
import { listExistingEntries } from './plan.js';

/** What the command line gave; the prompts ask for the rest. */
export interface GivenOptions {
  folder?: string | undefined;
  name?: string | undefined;
  format?: PluginFormat | undefined;
  types?: string | undefined;
  force: boolean;
  /** `--install` (true) or `--no-install` (false); asked when undefined. */
  install?: boolean | undefined;
}

/** What the prompts resolved to: the options for `scaffold()`, and whether to run `npm install`. */
export interface PromptAnswers {
  readonly options: ScaffoldOptions;
  readonly install: boolean;
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

/** Refuses, in the folder prompt, a path that is a file. */
function folderProblem(value: string | undefined): string | undefined {
  const folder = value === undefined || value.trim() === '' ? DEFAULT_FOLDER : value.trim();
  try {
    return statSync(folder).isDirectory() ? undefined : `${folder} is a file, not a folder`;
  } catch {
    return undefined; // missing: it is created
  }
}

/**
 * Asks, in a terminal, for what the command line left out. The folder comes
 * first (when not given), and is checked at once: a file is refused, and a
 * folder that is not empty (without `--force`) asks whether to add the files
 * beside the existing ones, before any other question. Then the name (only
 * when the folder's name is not a valid one), the format, the types package,
 * and whether to run `npm install` (unless `--install` or `--no-install`).
 * Resolves to the answers, or `null` when the user cancelled (Ctrl+C,
 * Escape, or declined to use a folder that is not empty).
 *
 * @param given - what the command line gave
 * @param streams - where to read and write (the process's by default)
 * @throws `AUG_SCAFFOLD_NOT_A_FOLDER` when the given folder is a file
 */
export async function promptOptions(
  given: GivenOptions,
  streams: PromptStreams = {},
): Promise<PromptAnswers | null> {
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
      validate: folderProblem,
    });
    if (isCancel(answer)) return stop();
    folder = answer.trim() === '' ? DEFAULT_FOLDER : answer.trim();
  }

  let force = given.force;
  if (!force && (await listExistingEntries(resolve(folder))).length > 0) {
    const answer = await confirm({
      ...streams,
      message: `${folder} is not empty. Add the project's files beside the existing ones? (no file is overwritten)`,
      initialValue: false,
    });
    if (isCancel(answer) || !answer) return stop();
    force = true;
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

  let install = given.install;
  if (install === undefined) {
    const answer = await confirm({
      ...streams,
      message: 'Install the dependencies now (npm install)?',
      initialValue: true,
    });
    if (isCancel(answer)) return stop();
    install = answer;
  }

  return { options: { dir: folder, name, format, types, force }, install };
}
