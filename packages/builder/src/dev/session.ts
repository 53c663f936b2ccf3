// One `augment dev` session: after each successful build, the link (made on
// the first one, a copy refreshed on the next ones), then the host told which
// plugin changed, its answer printed under the build line. Events are handled
// one after the other, so that each answer stays under its own build.
import { displayPath } from '../output.js';
import type { Output } from '../output.js';
import type { printError } from '../print-error.js';
import type { RebuildEvent } from '../watch.js';
import { printEvent, type PrintState } from '../commands/watch-print.js';
import { notifyChanged } from './client.js';
import { linkDist, unlinkDist, type LinkKind, type LinkTarget } from './link.js';
import { placeCopy } from './link-copy.js';
import { printOutcome, type HostPresence } from './report.js';
import type { HostCommand } from './run-host.js';

/** What a session needs. */
export interface DevSessionOptions {
  readonly output: Output;
  readonly printError: typeof printError;
  /** The project folder. */
  readonly dir: string;
  /** The host's plugin folder (absolute, existing). */
  readonly folder: string;
  /** The `--run` command, started after the first build and link. */
  readonly host: HostCommand | undefined;
  /** Called when the session cannot go on (the link could not be made). */
  readonly fail: () => void;
}

/** `augment dev`'s handling of the watch's events. */
export class DevSession {
  readonly #print: PrintState;
  readonly #presence: HostPresence = { absentSaid: false };
  #queue: Promise<void> = Promise.resolve();
  /** Successful builds queued behind the one being handled: only the last one is announced. */
  #newer = 0;
  #link: (LinkTarget & { entry: string; kind: LinkKind; already: boolean }) | undefined;
  #failed = false;

  constructor(private readonly options: DevSessionOptions) {
    this.#print = { unavailableShown: false, printError: options.printError, dir: options.dir };
  }

  /** Queues an event of the watch. */
  handle(event: RebuildEvent): void {
    if (event.type === 'build:done') this.#newer += 1;
    this.#queue = this.#queue
      .then(() => this.#handle(event))
      .catch((error: unknown) => {
        this.options.printError(this.options.output, error, { dir: this.options.dir });
      });
  }

  /** Waits for the events queued so far to be handled. */
  settled(): Promise<void> {
    return this.#queue;
  }

  async #handle(event: RebuildEvent): Promise<void> {
    const { output } = this.options;
    printEvent(output, event, this.#print);
    if (event.type !== 'build:done' || this.#failed) return;
    this.#newer -= 1;
    const plugin = event.result.manifest.name;
    if (this.#link === undefined) {
      if (!(await this.#makeLink(event.result.distDir, plugin))) return;
      if (this.options.host !== undefined) {
        // the host loads the plugin as it starts: nothing to tell it yet
        this.options.host.start();
        return;
      }
    } else if (this.#link.kind === 'copy') {
      await placeCopy(this.#link.entry, this.#link.dist);
    }
    if (plugin !== this.#link?.plugin) {
      output.problem(
        output.styleErr(
          'yellow',
          `the plugin is now named ${plugin} but linked as ${this.#link?.plugin ?? '?'}: restart augment dev to link it under its new name`,
        ),
      );
    }
    // a newer build is already waiting: it is the one worth announcing
    if (this.#newer > 0) return;
    const outcome = await notifyChanged(this.options.folder, plugin);
    printOutcome(output, outcome, {
      folder: displayPath(this.options.folder),
      plugin,
      presence: this.#presence,
    });
  }

  async #makeLink(dist: string, plugin: string): Promise<boolean> {
    const { output } = this.options;
    const target: LinkTarget = { folder: this.options.folder, dist, plugin };
    try {
      const made = await linkDist(target);
      this.#link = { ...target, entry: made.entry, kind: made.kind, already: made.already };
      const how = made.kind === 'copy' ? 'a copy, refreshed after each build' : `a ${made.kind}`;
      output.line(
        `${output.style('green', made.already ? 'already linked' : 'linked')} ${displayPath(made.entry)} → ${displayPath(dist)}/ (${how})`,
      );
      return true;
    } catch (error) {
      this.#failed = true;
      this.options.printError(output, error, { dir: this.options.dir });
      this.options.fail();
      return false;
    }
  }

  /**
   * Removes the link this session made, unless `keep`; a link that was there
   * before (`augment link`) stays. Prints what was done.
   */
  async unlink(keep: boolean): Promise<void> {
    const link = this.#link;
    if (link === undefined) return;
    const { output } = this.options;
    if (keep || link.already) {
      const why = keep ? '--keep' : 'it was there before augment dev started';
      output.line(output.style('dim', `kept the link ${displayPath(link.entry)} (${why})`));
      return;
    }
    try {
      await unlinkDist(link);
      output.line(output.style('dim', `unlinked ${displayPath(link.entry)}`));
    } catch (error) {
      this.options.printError(output, error, { dir: this.options.dir });
    }
  }
}
