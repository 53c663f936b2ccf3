import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { BuildResult } from '../build.js';
import { createOutput, displayPath, formatDuration, printWarnings } from '../output.js';
import type { Output } from '../output.js';
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

/** `built my-plugin@1.0.0 → dist/index.js (esm) in 123 ms` */
export function builtLine(output: Output, result: BuildResult, durationMs: number): string {
  const { name, version } = result.manifest;
  const entry = displayPath(resolve(result.dir, result.entry));
  return `${output.style('green', 'built')} ${output.style('bold', `${name}@${version}`)} → ${entry} (${result.format}) in ${formatDuration(durationMs)}`;
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
    .argument('[dir]', 'the plugin project folder', '.')
    .addOption(formatOption())
    .addOption(minifyOption())
    .option('--zip', 'also pack dist/ into a deterministic release archive', false)
    .option(
      '--out <file>',
      'where to write the archive, relative to the current folder (implies --zip; default: release.zip in the project folder)',
    )
    .option(
      '--no-typecheck',
      'skip the TypeScript type check (default: check when TypeScript is installed)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ augment build
  $ augment build packages/my-plugin --format cjs
  $ augment build --zip
  $ augment build --out releases/my-plugin-1.0.0.zip`,
    )
    .action(async (dir: string, flags: BuildFlags) => {
      const started = performance.now();
      const root = resolve(dir);
      // tsc first, before esbuild and @augment/core load: it runs while they do
      const check = flags.typecheck ? startTypecheck(root) : undefined;
      const options = {
        dir: root,
        format: flags.format,
        typecheck: flags.typecheck,
        minify: flags.minify,
        zip: flags.zip || flags.out !== undefined,
        ...(flags.out === undefined ? {} : { out: resolve(flags.out) }),
      };
      const { buildWithTypecheck } = await import('../build.js').catch(async (error: unknown) => {
        await check?.cancel();
        throw error;
      });
      const result = await buildWithTypecheck(options, check, started);
      const output = createOutput();
      printWarnings(output, result.warnings);
      output.line(builtLine(output, result, result.durationMs));
      output.line(typesLine(output, result.typecheck));
      if (result.zip !== undefined) {
        output.line(
          `${output.style('bold', displayPath(result.zip.path))}  sha256 ${result.zip.sha256}`,
        );
      }
    });
}
