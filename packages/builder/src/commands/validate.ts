import { resolve } from 'node:path';
import { Command } from 'commander';
import { createOutput, displayPath, plural } from '../output.js';

/** `augment validate [target]`: the manifest checks alone, on a project, a dist/ folder or a .zip. */
export function validateCommand(): Command {
  return new Command('validate')
    .description(
      'Check plugin.manifest.json (schema, entry point) of a plugin project, a built dist/ folder or a .zip archive, without building.',
    )
    .argument('[target]', 'a project folder, a dist/ folder or a .zip archive', '.')
    .addHelpText(
      'after',
      `
Examples:
  $ augment validate
  $ augment validate dist
  $ augment validate release.zip`,
    )
    .action(async (target: string) => {
      const output = createOutput();
      const { validate } = await import('../validate.js');
      const report = await validate(resolve(target));
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
