import { isAbsolute, join, relative } from 'node:path';
import { PluginHost } from '@augment/core';
import type { Logger, ReloadReport } from '@augment/core';
import { greeterMetaSchema, greeterSchema } from '@augment/example-host-types';
import { startBuilderWatch } from './builder-watch.js';
import { cascadeLines, handDependencies } from './dependencies.js';
import { greetAll } from './greet.js';
import { installArchive, linkExample, unlinkExample } from './install.js';
import type { DemoOptions } from './options.js';
import { failureLines, failuresLines, greetingLines, loadedLines, reloadLine } from './print.js';
import type { ShowPath } from './print.js';
import { waitForSignal } from './signals.js';

/** The demo's typed host: the signature and `meta` types come from the validators. */
type GreeterHost = ReturnType<typeof createHost>;

const print = (...lines: string[]): void => {
  for (const line of lines) console.log(line);
};

/**
 * The demo prints every failure itself, with its stage and code, so the
 * host's logger drops its one-line warnings and keeps the errors of the host
 * itself (a missing folder, a failing watcher).
 */
const logger: Logger = {
  warn: () => undefined,
  error: (message: string) => {
    console.error(message);
  },
};

/** Shows a path relative to the folder the user ran npm in, when it lies inside it. */
function pathShower(base: string): ShowPath {
  return (path) => {
    const shown = relative(base, path);
    return shown === '' ? '.' : shown.startsWith('..') || isAbsolute(shown) ? path : shown;
  };
}

function createHost(options: DemoOptions) {
  return new PluginHost({
    folder: options.pluginsDir,
    validator: greeterSchema, // each plugin's export must be a Greeter
    metaValidator: greeterMetaSchema, // each manifest's "meta" must be a GreeterMeta
    cacheDir: options.cacheDir,
    watch: options.watch,
    watchDebounceMs: 300, // a source edit and the rebuild it causes make one reload
    onLoad: handDependencies, // each plugin gets the greeters it depends on, before it serves
    logger,
  });
}

/** Installs the example plugin's release.zip into the plugins folder and says what it did. */
async function install(options: DemoOptions, show: ShowPath): Promise<void> {
  const result = await installArchive(options.exampleDir, options.pluginsDir);
  print(
    result.installed
      ? `Installed ${show(result.to)} from ${show(result.from)}`
      : `No ${show(result.from)} to install: build it with \`npm run build -w @augment/example-plugin\``,
  );
}

/** Prints what a scan loaded, what each greeter says, and what failed. */
function printState(
  host: GreeterHost,
  report: ReloadReport,
  options: DemoOptions,
  show: ShowPath,
): void {
  print(
    '',
    ...loadedLines(host.getAll(), report, options.pluginsDir, show),
    '',
    ...greetingLines(greetAll(host.getAll())),
    '',
    ...failuresLines(report.failed, show),
  );
}

/** Loads the folder once, prints everything, unloads, and returns. */
async function runOnce(options: DemoOptions, show: ShowPath): Promise<void> {
  if (await unlinkExample(options.pluginsDir)) {
    print(
      `Removed the link ${show(join(options.pluginsDir, 'example-plugin'))} left by a --watch run`,
    );
  }
  await install(options, show);
  const host = createHost(options);
  try {
    printState(host, await host.reload(), options, show);
  } finally {
    await host.close();
  }
}

/**
 * Links the example plugin's folder into the plugins folder, runs `augment
 * watch` on it, and reloads the host on every change until SIGINT or SIGTERM.
 */
async function runWatch(options: DemoOptions, show: ShowPath): Promise<void> {
  await install(options, show);
  const link = await linkExample(options.exampleDir, options.pluginsDir);
  print(`Linked ${show(link)} -> ${show(options.exampleDir)}`);
  const signals = waitForSignal();
  const builder = startBuilderWatch(options.exampleDir, (line) => {
    print(`[augment watch] ${line}`);
  });
  print(`Started augment watch on ${show(options.exampleDir)} (pid ${builder.pid})`);
  let host: GreeterHost | undefined;
  try {
    const first = await Promise.race([builder.ready.then(() => 'ready' as const), signals.signal]);
    if (first !== 'ready') return;
    host = createHost(options);
    const watched = host;
    printState(watched, await watched.reload(), options, show);
    watched.on('plugin:failed', ({ failure }) => {
      print('', ...failureLines(failure, show));
    });
    watched.on('reload:done', ({ report }) => {
      print('', reloadLine(report), ...cascadeLines(report, watched.getAll()));
      const changed = ['added', 'updated', 'removed', 'kept'] as const;
      if (changed.some((key) => report[key].length > 0)) {
        print('', ...greetingLines(greetAll(watched.getAll())));
      }
    });
    print(
      '',
      `Watching ${show(options.pluginsDir)}. Edit ${show(join(options.exampleDir, 'src/index.ts'))} and save; press Ctrl-C to stop.`,
    );
    const end = await Promise.race([
      signals.signal,
      builder.exited.then((code) => ({ builderExit: code })),
    ]);
    if (typeof end === 'object') {
      throw new Error(`augment watch exited unexpectedly (exit code ${String(end.builderExit)})`);
    }
  } finally {
    signals.stop();
    await host?.close();
    await builder.stop();
    await unlinkExample(options.pluginsDir);
    print('', 'Stopped: host closed, augment watch stopped, link removed.');
  }
}

/** Runs the demo: once, or with `watch` until interrupted. */
export async function runDemo(options: DemoOptions): Promise<void> {
  const show = pathShower(process.env['INIT_CWD'] ?? process.cwd());
  print(`Augment example host: greeter plugins from ${show(options.pluginsDir)}`);
  await (options.watch ? runWatch(options, show) : runOnce(options, show));
}
