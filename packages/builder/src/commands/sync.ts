import { resolve } from 'node:path';
import { Command } from 'commander';
import { createOutput, displayPath } from '../output.js';

/** `augment sync [dir]`: package.json's name and version into plugin.manifest.json. */
export function syncCommand(): Command {
  return new Command('sync')
    .description(
      'Copy package.json\'s name and version into plugin.manifest.json, keeping the rest of the file as it is; as npm\'s "version" script, also git add it.',
    )
    .argument('[dir]', 'the plugin project folder', '.')
    .addHelpText(
      'after',
      `
Examples:
  $ augment sync
  $ npm version patch    # with "version": "augment sync" in package.json's scripts`,
    )
    .action(async (dir: string) => {
      const output = createOutput();
      const root = resolve(dir);
      const { stageInGit, sync } = await import('../sync.js');
      const { manifestFile, changes } = await sync(root);
      const shown = displayPath(manifestFile);
      if (changes.length === 0) {
        output.line(`${shown} already has package.json's name and version`);
      }
      for (const change of changes) {
        const from = change.from === undefined ? 'none' : JSON.stringify(change.from);
        output.line(
          `${output.style('green', 'synced')} ${shown}: ${change.key} ${from} → ${JSON.stringify(change.to)}`,
        );
      }
      // npm runs the "version" script after the bump and before its commit
      if (
        process.env['npm_lifecycle_event'] === 'version' &&
        (await stageInGit(root, manifestFile))
      ) {
        output.line(`staged ${shown} for npm version's commit`);
      }
    });
}
