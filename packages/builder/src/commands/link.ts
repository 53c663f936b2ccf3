import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { requireProject } from '../find-project.js';
import { createOutput, displayPath } from '../output.js';
import type { Output } from '../output.js';
import type { LinkKind, LinkTarget } from '../dev/link.js';
import { printProject } from './build.js';

const ARGUMENTS = {
  folder: "the host's plugin folder (the PluginHost's `folder`); it must exist",
  project: 'the plugin project folder (default: the nearest one from here upwards)',
};

/**
 * What to link: the host's folder (which must exist), the project's `dist/`
 * and the plugin's name from the project's manifest.
 */
export async function linkTarget(
  output: Output,
  folder: string,
  project: string | undefined,
): Promise<LinkTarget> {
  const found = await requireProject(project);
  printProject(output, found);
  const [{ requireFolder }, { loadManifest }] = await Promise.all([
    import('../dev/link.js'),
    import('../validate.js'),
  ]);
  const absolute = resolve(folder);
  await requireFolder(absolute);
  const { manifest } = await loadManifest(found.dir);
  return { folder: absolute, dist: join(found.dir, 'dist'), plugin: manifest.name };
}

/** How a link is made, in words: `a symlink`, `a junction`, `a copy: …`. */
export function kindNote(kind: LinkKind): string {
  return kind === 'copy' ? 'a copy: links are not possible here' : `a ${kind}`;
}

/** `augment link <folder> [project]` */
export function linkCommand(): Command {
  return new Command('link')
    .description(
      "Link the project's dist/ into a host's plugin folder under the plugin's name (a symlink; a junction on Windows; a copy where links are refused). @scope/name is linked as @scope+name.",
    )
    .argument('<folder>', ARGUMENTS.folder)
    .argument('[project]', ARGUMENTS.project)
    .addHelpText(
      'after',
      `
Examples:
  $ augment link ../my-host/plugins
  $ augment dev --link ../my-host/plugins   (build, link, rebuild and reload as you save)`,
    )
    .action(async (folder: string, project: string | undefined) => {
      const output = createOutput();
      const target = await linkTarget(output, folder, project);
      const { BUILD_ERROR_CODES, buildError } = await import('../errors.js');
      if (!existsSync(join(target.dist, 'plugin.manifest.json'))) {
        throw buildError(
          BUILD_ERROR_CODES.LINK_NO_DIST,
          `${target.dist} has no built plugin to link.`,
          [],
          'Build it first (augment build), or run augment dev --link <folder>, which builds, links and rebuilds.',
          { file: target.dist },
        );
      }
      const { linkDist } = await import('../dev/link.js');
      const linked = await linkDist(target);
      const where = `${displayPath(linked.entry)} → ${displayPath(target.dist)}/`;
      output.line(
        linked.already
          ? `already linked: ${where} (${kindNote(linked.kind)})`
          : `${output.style('green', 'linked')} ${where} (${kindNote(linked.kind)})`,
      );
    });
}

/** `augment unlink <folder> [project]` */
export function unlinkCommand(): Command {
  return new Command('unlink')
    .description(
      "Remove the link (or copy) augment link made in a host's plugin folder; anything else there is left alone.",
    )
    .argument('<folder>', ARGUMENTS.folder)
    .argument('[project]', ARGUMENTS.project)
    .addHelpText(
      'after',
      `
Examples:
  $ augment unlink ../my-host/plugins`,
    )
    .action(async (folder: string, project: string | undefined) => {
      const output = createOutput();
      const target = await linkTarget(output, folder, project);
      const { unlinkDist } = await import('../dev/link.js');
      const { entry, removed } = await unlinkDist(target);
      output.line(
        removed
          ? `${output.style('green', 'unlinked')} ${displayPath(entry)}`
          : `nothing to unlink: ${displayPath(entry)} is not there`,
      );
    });
}
