// Turns what the children measured into findings, each with what to do.
import { displayPath, plural } from '../output.js';
import { DOCTOR_FINDING_CODES, type DoctorFindingCode } from './codes.js';
import { kindOf, withoutChildPipes } from './left-resources.js';
import type { ChildProblem, LeftResource } from './protocol.js';
import type { SourceLocation } from './source-location.js';

/** One problem doctor found: it fails the run. */
export interface DoctorFinding {
  readonly code: DoctorFindingCode;
  /** What happened, naming the place in the source where there is one. */
  readonly message: string;
  /** What to do about it. */
  readonly advice: string;
  /** Absolute path of the source file it points to. */
  readonly file?: string;
  readonly line?: number;
}

/** What the findings are judged against, and how to name places. */
export interface JudgeContext {
  /** Maps a frame of the copy to the project's source. */
  readonly locate: (frame: NonNullable<LeftResource['frame']>) => SourceLocation;
  /** Whether the host options have an onUnload (from --setup). */
  readonly hasOnUnload: boolean;
  readonly cwd: string;
}

/** `src/index.ts:12`, relative to the current folder. */
export function placeOf(location: SourceLocation, cwd: string): string {
  return `${displayPath(location.file, cwd)}:${location.line}`;
}

/** One finding per place (and kind) where the plugin opened something it left open. */
export function resourceFindings(
  left: readonly LeftResource[],
  context: JudgeContext,
): DoctorFinding[] {
  const groups = new Map<string, { resource: LeftResource; count: number; rounds: Set<number> }>();
  for (const resource of withoutChildPipes(left)) {
    const frame = resource.frame;
    const key = `${kindOf(resource).name} ${frame?.file}:${frame?.position}`;
    const group = groups.get(key) ?? { resource, count: 0, rounds: new Set<number>() };
    group.count += 1;
    group.rounds.add(resource.round);
    groups.set(key, group);
  }
  const after = context.hasOnUnload ? 'after onUnload' : 'after the plugin was unloaded';
  const where = context.hasOnUnload ? 'in onUnload' : 'when the host stops the plugin';
  const hint = context.hasOnUnload
    ? ''
    : " Doctor ran a plain host, which calls nothing on unload: pass --setup with your host's options (its onUnload) to check the plugin's own cleanup.";
  return [...groups.values()].map(({ resource, count, rounds }) => {
    const kind = kindOf(resource);
    const location = resource.frame === undefined ? undefined : context.locate(resource.frame);
    const started = location === undefined ? '' : ` started at ${placeOf(location, context.cwd)}`;
    const inFunction = location?.functionName ? ` (in ${location.functionName})` : '';
    const many = count > 1 ? ` (${count} open after ${plural(rounds.size, 'round')})` : '';
    return {
      code: DOCTOR_FINDING_CODES.RESOURCE_LEFT,
      message: `${kind.name}${started}${inFunction} ${kind.state} ${after}${many}`,
      advice: `${upperFirst(kind.close)} ${where}${kind.call === '' ? '' : ` (${kind.call})`}: each reload leaves one more.${hint}`,
      ...(location === undefined ? {} : { file: location.file, line: location.line }),
    };
  });
}

/** Resources that stayed active with no plugin frame to blame (created in a callback, or by a package). */
export function unattributedFinding(delta: Readonly<Record<string, number>>): DoctorFinding[] {
  const types = Object.entries(delta).map(([type, count]) => `${type} ×${count}`);
  if (types.length === 0) return [];
  return [
    {
      code: DOCTOR_FINDING_CODES.RESOURCE_LEFT,
      message: `more resources are active after the last unload than before the first load: ${types.join(', ')} (process.getActiveResourcesInfo())`,
      advice:
        'No stack pointed into the plugin when they were created (a callback, or a package the plugin uses): close what the plugin opens, in onUnload.',
    },
  ];
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const TWICE_ADVICE =
  'Module-level state breaks a second instance: a flag on globalThis, a port or file taken at load and never released, a singleton registered twice. ' +
  'Keep such state per instance: create it in onLoad, release it in onUnload.';

/** How {@link problemFindings} names places and paths. */
export interface ProblemContext {
  /** Replaces the temporary copy's paths in a message by the project's dist/ paths. */
  readonly clean: (text: string) => string;
  /** The place in the project a failure's stack points to. */
  readonly locate: (stack: string | undefined) => SourceLocation | undefined;
  readonly cwd: string;
}

/** Findings for the rounds that could not load, unload, or threw outside the host's calls. */
export function problemFindings(
  problems: readonly ChildProblem[],
  context: ProblemContext,
): DoctorFinding[] {
  const seen = new Set<string>();
  const findings: DoctorFinding[] = [];
  for (const { kind, round, failure } of problems) {
    // one finding per failure: the same error in the swap and the next round is one problem
    const key = `${kind === 'swap' ? 'reload' : kind} ${failure.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const location = context.locate(failure.stack);
    const at = location === undefined ? '' : ` (at ${placeOf(location, context.cwd)})`;
    const place = location === undefined ? {} : { file: location.file, line: location.line };
    const what = `${failure.code}${at}: ${context.clean(failure.message)}`;
    if (kind === 'load') {
      findings.push({
        code: DOCTOR_FINDING_CODES.LOAD_FAILED,
        message: `the plugin does not load: ${what}`,
        ...place,
        advice:
          failure.code === 'AUG_VALIDATE_REJECTED'
            ? "The --setup module's validator refuses the plugin's export: export what the host expects, then run augment build and doctor again."
            : 'Fix what the message says, then run augment build and doctor again.',
      });
    } else if (kind === 'reload' || kind === 'swap') {
      const when =
        kind === 'swap'
          ? 'a second instance does not load while the first one is loaded (as in every reload: the new version loads before the old one unloads)'
          : `the plugin loaded once but not again in round ${round}`;
      findings.push({
        code: DOCTOR_FINDING_CODES.RELOAD_FAILED,
        message: `${when}: ${what}`,
        advice: TWICE_ADVICE,
        ...place,
      });
    } else if (kind === 'unload') {
      findings.push({
        code: DOCTOR_FINDING_CODES.UNLOAD_FAILED,
        message: `onUnload failed in round ${round}: ${what}`,
        ...place,
        advice:
          'Make onUnload settle without throwing: the host reports the failure, and what it did not close stays open.',
      });
    } else if (kind === 'uncaught') {
      findings.push({
        code: DOCTOR_FINDING_CODES.UNCAUGHT,
        message: `the plugin threw outside any call of the host in round ${round}, ${failure.stage === 'uncaught' ? 'an uncaught exception' : 'an unhandled rejection'}${at}: ${context.clean(failure.message)}`,
        ...place,
        advice:
          'An error in a timer or a promise nobody awaits ends a host process: catch it where it happens.',
      });
    }
  }
  return findings;
}

/** What the children measured of one plugin, for {@link heapFinding} and the output. */
export interface HeapMeasurement {
  /** Heap growth per round through the host, in KB. */
  readonly hostKbPerRound: number;
  /** Heap growth per bare import of the same file, in KB: what Node keeps of each import. */
  readonly bareKbPerRound: number;
  /** The difference: what the plugin keeps per reload, in KB. */
  readonly retainedKbPerRound: number;
  readonly limitKb: number;
  /** Rounds left out of the fit at the start. */
  readonly warmupRounds: number;
  /** Globals the plugin added (names), which the bare imports remove. */
  readonly newGlobals: readonly string[];
}

/** A finding when the plugin keeps more than the limit per reload. */
export function heapFinding(heap: HeapMeasurement): DoctorFinding[] {
  if (heap.retainedKbPerRound <= heap.limitKb) return [];
  const globals =
    heap.newGlobals.length === 0 ? '' : ` Globals it added: ${heap.newGlobals.join(', ')}.`;
  return [
    {
      code: DOCTOR_FINDING_CODES.HEAP_GROWTH,
      message:
        `the plugin keeps ${formatKb(heap.retainedKbPerRound)} per reload (limit ${formatKb(heap.limitKb)}): ` +
        `the heap grew ${formatKb(heap.hostKbPerRound)} per round through the host, ` +
        `${formatKb(heap.bareKbPerRound)} per bare import of the same file`,
      advice:
        'Something the plugin creates outlives its unload: a global (globalThis.x), a listener on process or on an object the host shares, a cache in a shared package. Release it in onUnload.' +
        globals,
    },
  ];
}

/** `12 KB`, `1.3 MB`, `-4 KB` (1 KB = 1024 bytes, as V8 counts). */
export function formatKb(kb: number): string {
  return Math.abs(kb) >= 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${Math.round(kb)} KB`;
}

/** A finding when the slowest onUnload took longer than the limit. */
export function unloadFinding(unloadMs: readonly number[], limitMs: number): DoctorFinding[] {
  const slowest = Math.max(...unloadMs, 0);
  if (slowest <= limitMs) return [];
  return [
    {
      code: DOCTOR_FINDING_CODES.SLOW_UNLOAD,
      message: `onUnload took ${Math.round(slowest)} ms (the slowest of ${unloadMs.length}; limit ${limitMs} ms)`,
      advice:
        "A reload waits for the old version's onUnload: stop timers and close servers without waiting for work to drain, or bound the wait. The host gives up after its loadTimeoutMs.",
    },
  ];
}
