import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { createOutput } from '../output.js';
import { requireProject } from '../find-project.js';
import { formatOption, minifyOption, noTypecheckOption, printProject } from './build.js';
import { catchSignals, watchingLine } from './watch-print.js';

/** The flags `augment dev` parses. */
interface DevFlags {
  link: string;
  keep: boolean;
  run?: string;
  format: 'esm' | 'cjs';
  typecheck: boolean;
  minify: boolean;
}

/** How long after stopping a leftover handle (a type check in flight) may delay the exit. */
const EXIT_GRACE_MS = 1000;

/** How long stopping waits for a notification in flight before removing the link. */
const SETTLE_MS = 2000;

/** The exit code of a second Ctrl+C, which skips the cleanup. */
const FORCED_EXIT_CODE = 130;

/**
 * Fails early, before building, when the link's name is taken by something
 * else in the host's folder (the project's manifest names the plugin; a
 * manifest that cannot be read yet is left to the build to report).
 */
async function checkLinkPlace(folder: string, dir: string): Promise<void> {
  const [{ entryState, linkPath, requireFolder }, { loadManifest }, errors] = await Promise.all([
    import('../dev/link.js'),
    import('../validate.js'),
    import('../errors.js'),
  ]);
  await requireFolder(folder);
  const plugin = await loadManifest(dir).then(
    (loaded) => loaded.manifest.name,
    () => undefined,
  );
  if (plugin === undefined) return;
  const target = { folder, dist: resolve(dir, 'dist'), plugin };
  const state = await entryState(target);
  if (state.kind !== 'taken') return;
  throw errors.buildError(
    errors.BUILD_ERROR_CODES.LINK_TAKEN,
    `${linkPath(target)} is ${state.what}; nothing was built or linked.`,
    [],
    'Move or remove it yourself if it is an old copy of this plugin (or unlink the other project: augment unlink <folder> <project>), then run augment dev again.',
    { file: linkPath(target) },
  );
}

/** After the first Ctrl+C, a second one exits at once (killing the `--run` command first). */
function exitOnNextSignal(host: { kill(): void } | undefined): void {
  const exit = (): void => {
    host?.kill();
    process.exit(FORCED_EXIT_CODE);
  };
  process.once('SIGINT', exit);
  process.once('SIGTERM', exit);
}

/** `augment dev [project] --link <folder>`: build, link, watch, and tell the host. */
export function devCommand(): Command {
  return new Command('dev')
    .description(
      "Build, link dist/ into a host's plugin folder, then rebuild on every change and tell a listening host (AUGMENT_DEV=1 or dev: true) to reload the plugin, printing its answer. Ctrl+C stops and removes the link.",
    )
    .argument('[project]', 'the plugin project folder (default: the nearest one from here upwards)')
    .requiredOption('--link <folder>', "the host's plugin folder (the PluginHost's `folder`)")
    .option('--keep', 'leave the link in the host folder when stopping', false)
    .addOption(
      new Option(
        '--run <command>',
        'start the host too, through the shell, with AUGMENT_DEV=1 (type rs + Enter to restart it)',
      ),
    )
    .addOption(formatOption())
    .addOption(minifyOption())
    .addOption(noTypecheckOption())
    .addHelpText(
      'after',
      `
Examples:
  $ augment dev --link ../my-host/plugins
  $ augment dev --link ../my-host/plugins --run "node server.js"

Without a listening host, the change reaches a host that watches its folder
(watch: true) through the link.`,
    )
    .action(async (dir: string | undefined, flags: DevFlags) => {
      const output = createOutput();
      const project = await requireProject(dir);
      printProject(output, project);
      const folder = resolve(flags.link);
      await checkLinkPlace(folder, project.dir);
      // caught from the start: a Ctrl+C during the first build still closes cleanly
      const signals = catchSignals();
      let fail: () => void = () => undefined;
      const failed = new Promise<'failed'>((done) => {
        fail = () => {
          done('failed');
        };
      });
      try {
        const [{ watch }, { printError }, { DevSession }, { HostCommand }] = await Promise.all([
          import('../watch.js'),
          import('../print-error.js'),
          import('../dev/session.js'),
          import('../dev/run-host.js'),
        ]);
        const host = flags.run === undefined ? undefined : new HostCommand(flags.run, output);
        const session = new DevSession({
          output,
          printError,
          dir: project.dir,
          folder,
          host,
          fail,
        });
        const watcher = await watch({
          dir: project.dir,
          format: flags.format,
          typecheck: flags.typecheck,
          minify: flags.minify,
          onEvent: (event) => {
            session.handle(event);
          },
        });
        await session.settled();
        output.line(watchingLine(output, watcher));
        const why = await Promise.race([signals.signal, failed]);
        signals.stop();
        exitOnNextSignal(host);
        if (why !== 'failed') {
          output.line(output.style('dim', 'stopping (press Ctrl+C again to quit at once)'));
        }
        await watcher.close();
        await host?.stop();
        await Promise.race([
          session.settled(),
          new Promise((done) => setTimeout(done, SETTLE_MS).unref()),
        ]);
        await session.unlink(flags.keep);
        if (why === 'failed') process.exitCode = 1;
      } finally {
        signals.stop();
      }
      output.line(output.style('dim', 'stopped watching'));
      // a type check still in flight, or stdin, must not hold the process open
      setTimeout(() => process.exit(process.exitCode ?? 0), EXIT_GRACE_MS).unref();
    });
}
