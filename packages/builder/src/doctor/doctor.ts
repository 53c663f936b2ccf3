// `augment doctor`'s API: runs the built plugin through a throwaway host in a
// child process, then the bare-import baseline in another, and judges both.
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, rmdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { detectFormat } from '@augment/core';
import { DOCTOR_ERROR_CODES, DoctorError } from './codes.js';
import {
  heapFinding,
  problemFindings,
  resourceFindings,
  unattributedFinding,
  unloadFinding,
  type DoctorFinding,
  type HeapMeasurement,
} from './findings.js';
import { MIN_HEAP_ROUNDS, heapSlope, warmupRounds } from './heap.js';
import type { ChildReport, ChildRequest } from './protocol.js';
import { createFrameMapper, locateInStack } from './source-location.js';
import { runChild } from './spawn-child.js';

/** What `augment doctor` runs, every field resolved. */
export interface DoctorOptions {
  /** The project folder (its dist/ is what runs). */
  readonly dir: string;
  /** Load, unload and reload rounds. */
  readonly rounds: number;
  /** Absolute path of the module that exports the host's options, if any. */
  readonly setup?: string | undefined;
  /** The slowest onUnload allowed, in ms. */
  readonly unloadMs: number;
  /** The heap a plugin may keep per reload, in KB. */
  readonly heapKb: number;
  /** Where paths in messages are relative to. */
  readonly cwd: string;
}

/** What `augment doctor` measured, for people and for CI (`--json`). */
export interface DoctorMeasurements {
  /** Rounds the host ran to the end. */
  readonly roundsRun: number;
  /** The onUnload times, or null without an onUnload in the host options. */
  readonly unload: {
    readonly calls: number;
    readonly slowestMs: number;
    readonly medianMs: number;
    readonly limitMs: number;
  } | null;
  /** Heap per reload, or null when too few rounds ran to fit a slope. */
  readonly heap: HeapMeasurement | null;
  /** Resources the plugin left open after its unload. */
  readonly resourcesLeft: number;
}

/** The result of `augment doctor`. */
export interface DoctorReport {
  /** True when there is no finding. */
  readonly ok: boolean;
  readonly plugin: {
    readonly name: string;
    readonly version: string;
    readonly format: 'esm' | 'cjs';
  };
  /** Rounds asked for. */
  readonly rounds: number;
  readonly findings: readonly DoctorFinding[];
  readonly measurements: DoctorMeasurements;
}

/** What resources get to close after onUnload before they count as left open. */
const GRACE_MS = 500;

interface BuiltPlugin {
  readonly distDir: string;
  readonly name: string;
  readonly version: string;
  /** The entry, relative to dist/. */
  readonly entry: string;
}

/** The built plugin in `<dir>/dist`, or an error that says to build it. */
function readBuilt(dir: string): BuiltPlugin {
  const distDir = join(dir, 'dist');
  const manifestFile = join(distDir, 'plugin.manifest.json');
  const noBuild = (why: string): DoctorError =>
    new DoctorError(
      DOCTOR_ERROR_CODES.NO_BUILD,
      `${why} Run \`augment build\` first: doctor runs the plugin the build wrote.`,
      { file: manifestFile },
    );
  if (!existsSync(manifestFile))
    throw noBuild(`${distDir} has no built plugin (no plugin.manifest.json).`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch {
    throw noBuild(`${manifestFile} is not valid JSON.`);
  }
  const field = (key: string): string => {
    const value: unknown =
      typeof manifest === 'object' && manifest !== null ? Reflect.get(manifest, key) : undefined;
    if (typeof value !== 'string') throw noBuild(`${manifestFile} has no "${key}".`);
    return value;
  };
  const entry = field('entryPoint');
  if (!existsSync(join(distDir, entry))) throw noBuild(`${join(distDir, entry)} does not exist.`);
  return { distDir, name: field('name'), version: field('version'), entry };
}

/** A folder name for the plugin's copy (a scoped name has a slash). */
function folderName(name: string): string {
  return name.replace(/[^a-z0-9._-]/giu, '-');
}

/**
 * Runs the checks of `augment doctor` and returns what it found. Throws only
 * when it cannot run them: no build, a --setup module that is missing, or a
 * child process that died.
 *
 * @throws {DoctorError} `AUG_DOCTOR_NO_BUILD`, `AUG_DOCTOR_SETUP`, `AUG_DOCTOR_CHILD`
 */
export async function doctor(
  options: DoctorOptions,
  onRound: (round: number, mode: 'host' | 'bare') => void = () => undefined,
): Promise<DoctorReport> {
  const built = readBuilt(options.dir);
  if (options.setup !== undefined && !existsSync(options.setup)) {
    throw new DoctorError(
      DOCTOR_ERROR_CODES.SETUP,
      `The setup module ${options.setup} does not exist. Pass a JavaScript module that exports the host's options: augment doctor --setup doctor.setup.mjs.`,
      { file: options.setup },
    );
  }
  // inside the project, so that the copy resolves packages (peer dependencies
  // the host provides) from the project's node_modules, as dist/ itself does
  const cache = join(options.dir, 'node_modules', '.cache', 'augment-doctor');
  await mkdir(cache, { recursive: true });
  const temp = await mkdtemp(join(cache, 'run-'));
  try {
    const copy = async (under: string): Promise<ChildRequest> => {
      const folder = join(temp, under);
      const pluginDir = join(folder, folderName(built.name));
      await cp(built.distDir, pluginDir, { recursive: true });
      const entry = resolve(pluginDir, built.entry);
      return {
        mode: 'host',
        folder,
        pluginDir,
        entry,
        name: built.name,
        format: await detectFormat(entry),
        rounds: options.rounds,
        setup: options.setup,
        graceMs: GRACE_MS,
      };
    };
    const hostRequest = await copy('host');
    const host = await runChild(hostRequest, options.dir, (round) => {
      onRound(round, 'host');
    });
    const setupProblem = host.problems.find((p) => p.kind === 'setup');
    if (setupProblem?.round === 0) {
      throw new DoctorError(
        DOCTOR_ERROR_CODES.SETUP,
        `The host options from ${options.setup ?? 'doctor'} do not make a host: ${setupProblem.failure.code}: ${setupProblem.failure.message}`,
        { file: options.setup },
      );
    }
    if (setupProblem !== undefined) {
      throw new DoctorError(
        DOCTOR_ERROR_CODES.CHILD,
        `The host threw in round ${setupProblem.round}: ${setupProblem.failure.code}: ${setupProblem.failure.message}. A host never throws for a plugin's problem: please report this.`,
      );
    }
    let bare: ChildReport | undefined;
    if (host.rounds >= MIN_HEAP_ROUNDS) {
      bare = await runChild({ ...(await copy('bare')), mode: 'bare' }, options.dir, (round) => {
        onRound(round, 'bare');
      });
    }
    return judge(options, built, hostRequest, host, bare);
  } finally {
    await rm(temp, { recursive: true, force: true, maxRetries: 3 });
    // the cache folder goes too unless another run is using it
    await rmdir(cache).catch(() => undefined);
  }
}

function judge(
  options: DoctorOptions,
  built: BuiltPlugin,
  request: ChildRequest,
  host: ChildReport,
  bare: ChildReport | undefined,
): DoctorReport {
  const mapper = createFrameMapper(request.pluginDir, built.distDir, options.dir);
  const context = { locate: mapper, hasOnUnload: host.hasOnUnload, cwd: options.cwd };
  const leftFindings = resourceFindings(host.left, context);
  const heap = measureHeap(host, bare, options.heapKb);
  const findings = [
    ...problemFindings(host.problems, {
      clean: (text) => text.replaceAll(request.pluginDir, built.distDir),
      locate: (stack) => locateInStack(stack, options.dir),
      cwd: options.cwd,
    }),
    ...leftFindings,
    ...(leftFindings.length === 0 ? unattributedFinding(host.activeDelta) : []),
    ...unloadFinding(host.unloadMs, options.unloadMs),
    ...(heap === null ? [] : heapFinding(heap)),
  ];
  const sorted = [...host.unloadMs].sort((a, b) => a - b);
  return {
    ok: findings.length === 0,
    plugin: { name: built.name, version: built.version, format: request.format },
    rounds: options.rounds,
    findings,
    measurements: {
      roundsRun: host.rounds,
      unload:
        sorted.length === 0
          ? null
          : {
              calls: sorted.length,
              slowestMs: round1(sorted.at(-1) ?? 0),
              medianMs: round1(sorted[Math.floor(sorted.length / 2)] ?? 0),
              limitMs: options.unloadMs,
            },
      heap,
      resourcesLeft: host.left.length,
    },
  };
}

function measureHeap(
  host: ChildReport,
  bare: ChildReport | undefined,
  limitKb: number,
): HeapMeasurement | null {
  const hostSlope = heapSlope(host.heap);
  const bareSlope = bare === undefined ? undefined : heapSlope(bare.heap);
  if (hostSlope === undefined || bareSlope === undefined) return null;
  const hostKb = hostSlope / 1024;
  const bareKb = bareSlope / 1024;
  return {
    hostKbPerRound: round1(hostKb),
    bareKbPerRound: round1(bareKb),
    retainedKbPerRound: round1(hostKb - bareKb),
    limitKb,
    warmupRounds: warmupRounds(host.heap.length),
    newGlobals: host.newGlobals,
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
