import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { BuildResult } from '../build.js';
import { requireProject, type FoundProject } from '../find-project.js';
import { createOutput, displayPath, formatDuration, formatSize, printWarnings } from '../output.js';
import type { Output } from '../output.js';
import { startProgress } from '../terminal/progress.js';
import { startTypecheck } from '../typecheck.js';

/** The flags `augment build` parses. */
interface BuildFlags {
  format: 'esm' | 'cjs';
  zip: boolean;
  out: string;
  typecheck: boolean;
  minify: boolean;
}

/** `--format <format>`, shared by `build` and `watch`. */
export function formatOption(): Option {
  return new Option('--format <format>', 'module format of dist/index.js')
    .choices(['esm', 'cjs'])
    .default('esm');
}

/** `--minify`, shared by `build` and `watch`. */
export function minifyOption(): Option {
  return new Option(
    '--minify',
    'minify dist/index.js (the source map still names the original lines)',
  ).default(false);
}

/** `--no-typecheck`, shared by `build` and `watch`. */
export function noTypecheckOption(): Option {
  return new Option(
    '--no-typecheck',
    'skip the TypeScript type check (default: check when TypeScript is installed)',
  );
}

/** `built my-plugin@1.0.0 → dist/index.js (esm) in 123 ms` */
export function builtLine(output: Output, result: BuildResult, durationMs: number): string {
  const { name, version } = result.manifest;
  const entry = displayPath(resolve(result.dir, result.entry));
  return `${output.style('green', 'built')} ${output.style('bold', `${name}@${version}`)} → ${entry} (${result.format}) in ${formatDuration(durationMs)}`;
}

/** `project: /path/to/plugin`, when the project was found above the current folder. */
export function printProject(output: Output, project: FoundProject): void {
  if (project.above) output.line(output.style('dim', `project: ${displayPath(project.dir)}`));
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/** `wrote dist/index.js 212 kB, map 480 kB, release.zip 96 kB` */
export function writtenLine(output: Output, result: BuildResult): string {
  const parts = [`${displayPath(result.entry)} ${formatSize(sizeOf(result.entry) ?? 0)}`];
  const map = sizeOf(`${result.entry}.map`);
  if (map !== undefined) parts.push(`map ${formatSize(map)}`);
  const zip = result.zip === undefined ? undefined : sizeOf(result.zip.path);
  if (result.zip !== undefined && zip !== undefined) {
    parts.push(`${displayPath(result.zip.path)} ${formatSize(zip)}`);
  }
  return `${output.style('dim', 'wrote')} ${parts.join(', ')}`;
}

/** Why the types were not checked, for `types: not checked (…)`. */
export const TYPES_UNAVAILABLE = 'types: not checked (TypeScript is not installed in this project)';

function typesLine(output: Output, status: BuildResult['typecheck']): string {
  switch (status) {
    case 'passed':
      return `types: ${output.style('green', 'checked')}`;
    case 'skipped':
      return `types: ${output.style('dim', 'not checked (--no-typecheck)')}`;
    case 'unavailable':
      return output.style('yellow', TYPES_UNAVAILABLE);
  }
}

/** `augment build [dir]`: bundle, check types, copy the manifest, optionally pack release.zip. */
export function buildCommand(): Command {
  return new Command('build')
    .description(
      'Bundle src/index.ts into dist/ (with a source map), check types, validate and copy plugin.manifest.json; optionally pack dist/ into a release archive.',
    )
    .argument('[dir]', 'the plugin project folder (default: the nearest one from here upwards)')
    .addOption(formatOption())
    .addOption(minifyOption())
    .option('--zip', 'also pack dist/ into a deterministic release archive', false)
    .option(
      '--out <file>',
      'where to write the archive, relative to the current folder (implies --zip; default: release.zip in the project folder)',
    )
    .addOption(noTypecheckOption())
    .addHelpText(
      'after',
      `
Examples:
  $ augment build
  $ augment build packages/my-plugin --format cjs
  $ augment build --zip
  $ augment build --out releases/my-plugin-1.0.0.zip`,
    )
    .action(async (dir: string | undefined, flags: BuildFlags) => {
      const started = performance.now();
      const project = await requireProject(dir);
      const root = project.dir;
      // tsc first, before esbuild and @augment/core load: it runs while they do
      const check = flags.typecheck ? startTypecheck(root) : undefined;
      const output = createOutput();
      printProject(output, project);
      const options = {
        dir: root,
        format: flags.format,
        typecheck: flags.typecheck,
        minify: flags.minify,
        zip: flags.zip || flags.out !== undefined,
        ...(flags.out === undefined ? {} : { out: resolve(flags.out) }),
      };
      // on a terminal only: tsc takes seconds, the bundle milliseconds
      const progress =
        check === undefined
          ? { stop: () => undefined }
          : startProgress(process.stderr, 'building and checking types…');
      let result: BuildResult;
      try {
        const { buildWithTypecheck } = await import('../build.js').catch(async (error: unknown) => {
          await check?.cancel();
          throw error;
        });
        result = await buildWithTypecheck(options, check, started);
      } catch (error) {
        progress.stop();
        const { printError } = await import('../print-error.js');
        printError(output, error, { dir: root });
        process.exitCode = 1;
        return;
      }
      progress.stop();
      printWarnings(output, result.warnings);
      output.line(builtLine(output, result, result.durationMs));
      output.line(writtenLine(output, result));
      output.line(typesLine(output, result.typecheck));
      if (result.zip !== undefined) {
        output.line(
          `${output.style('bold', displayPath(result.zip.path))}  sha256 ${result.zip.sha256}`,
        );
      }
    });
}
