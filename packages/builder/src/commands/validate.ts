import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { requireProject } from '../find-project.js';
import { createOutput, displayPath, plural } from '../output.js';
import { printProject } from './build.js';

/** The folder the `file:line:col` of a problem are relative to: the target, when it is a folder. */
function problemDir(path: string): string | undefined {
  try {
    return statSync(path).isDirectory() ? path : undefined;
  } catch {
    return undefined;
  }
}

/** `augment validate [target]`: the manifest checks alone, on a project, a dist/ folder or a .zip. */
export function validateCommand(): Command {
  return new Command('validate')
    .description(
      'Check plugin.manifest.json (schema, entry point) of a plugin project, a built dist/ folder or a .zip archive, without building.',
    )
    .argument(
      '[target]',
      'a project folder, a dist/ folder or a .zip archive (default: the nearest project from here upwards)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ augment validate
  $ augment validate dist
  $ augment validate release.zip`,
    )
    .action(async (target: string | undefined) => {
      const output = createOutput();
      const path = target === undefined ? await findTarget(output) : resolve(target);
      const { validate } = await import('../validate.js');
      let report: Awaited<ReturnType<typeof validate>>;
      try {
        report = await validate(path);
      } catch (error) {
        const { printError } = await import('../print-error.js');
        printError(output, error, { dir: problemDir(path) });
        process.exitCode = 1;
        return;
      }
      if (report.problems.length === 0) {
        const { name, version } = report.manifest;
        output.line(
          `${output.style('green', 'valid:')} ${output.style('bold', `${name}@${version}`)} (${report.kind})`,
        );
        return;
      }
      output.problem(
        `${output.styleErr('red', 'invalid:')} ${displayPath(report.target)} (${report.kind}): ${plural(report.problems.length, 'problem')}`,
      );
      for (const problem of report.problems) output.problem(`  - ${problem}`);
      process.exitCode = 1;
    });
}

/** Without a target: the nearest project from the current folder upwards. */
async function findTarget(output: ReturnType<typeof createOutput>): Promise<string> {
  const project = await requireProject(undefined);
  printProject(output, project);
  return project.dir;
}
