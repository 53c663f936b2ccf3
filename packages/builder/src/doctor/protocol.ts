// What `augment doctor` and its child processes say to each other (over the
// IPC channel of `fork`). Types only: both sides import them.

/** What the child runs: the plugin through a host, or bare imports of its entry (the baseline). */
export type ChildMode = 'host' | 'bare';

/** The job a child gets, as its one command-line argument (JSON). */
export interface ChildRequest {
  readonly mode: ChildMode;
  /** The throwaway plugin folder the host scans (holds the copy below). */
  readonly folder: string;
  /** The copy of `dist/`, inside `folder`. */
  readonly pluginDir: string;
  /** Absolute path of the entry point inside the copy. */
  readonly entry: string;
  /** The plugin's name, as its manifest says. */
  readonly name: string;
  /** `esm` or `cjs`: how the entry loads. */
  readonly format: 'esm' | 'cjs';
  readonly rounds: number;
  /** Absolute path of the `--setup` module, if any. */
  readonly setup?: string | undefined;
  /** How long a resource may take to close after `onUnload` before it counts as left open. */
  readonly graceMs: number;
}

/** Where a resource was created: the first frame in the plugin's code, as the child saw it. */
export interface RawFrame {
  /** The generated file's path (the copy's entry, or another file of the copy). */
  readonly file: string;
  /**
   * The character offset in that file. Not a line and column: asking V8 for
   * those makes it keep a table of line ends for the whole script, which for
   * a large bundle would be most of the heap growth doctor measures.
   */
  readonly position: number;
  readonly functionName: string | null;
}

/** A resource the plugin opened that was still open after its `onUnload`. */
export interface LeftResource {
  /** The async_hooks type: `Timeout`, `TCPSERVERWRAP`, `PROCESSWRAP`… */
  readonly type: string;
  /** For a `Timeout`: whether it repeats (`setInterval`). */
  readonly repeat: boolean;
  /** The round whose load created it (1-based). */
  readonly round: number;
  /** The plugin frame that created it, when the stack had one. */
  readonly frame?: RawFrame | undefined;
}

/** A failure the host reported, as plain data. */
export interface HostFailure {
  readonly code: string;
  readonly stage: string;
  readonly message: string;
  /** The stack of the error at the root of it (core maps plugin frames to `augment-plugin:///…`). */
  readonly stack?: string | undefined;
}

/** How a child's run ended when it could not finish its rounds. */
export interface ChildProblem {
  /** `load` (round 1), `reload` (a later round), `swap` (while a first instance was loaded), `setup`, `uncaught`. */
  readonly kind: 'load' | 'reload' | 'swap' | 'unload' | 'setup' | 'uncaught';
  readonly round: number;
  readonly failure: HostFailure;
}

/** Everything a child measured. */
export interface ChildReport {
  readonly mode: ChildMode;
  /** Rounds completed. */
  readonly rounds: number;
  /** `heapUsed + external` after a forced GC at the end of each round, in bytes. */
  readonly heap: readonly number[];
  /** Duration of each `onUnload` call, in ms (empty without a setup `onUnload`). */
  readonly unloadMs: readonly number[];
  /** Resources the plugin left open, one entry each (all rounds). */
  readonly left: readonly LeftResource[];
  /**
   * Active resource types (`process.getActiveResourcesInfo()`) that were
   * more after the last unload than before the first load, with how many more.
   */
  readonly activeDelta: Readonly<Record<string, number>>;
  readonly problems: readonly ChildProblem[];
  /** Whether the host options have an onUnload (host mode). */
  readonly hasOnUnload: boolean;
  /** Names of the globals that were added while the plugin ran (host mode). */
  readonly newGlobals: readonly string[];
}

/** A message from the child. */
export type ChildMessage =
  | { readonly type: 'round'; readonly round: number }
  | { readonly type: 'report'; readonly report: ChildReport };
