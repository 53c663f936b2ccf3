// `augment doctor` on plugins whose trouble is over time: heap kept per
// reload, a slow onUnload, module state that breaks a second instance.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt } from './helpers/cli.js';
import { buildDoctorPlugin, writeSetups } from './helpers/doctor.js';
import { makeTempDir, removeDir } from './helpers/project.js';
import { runCli } from './helpers/run-cli.js';

vi.setConfig({ testTimeout: 120_000 });

let root: string;
let setup: string;
const projects: Record<string, string> = {};

/** Line 3 of the plugin (its `top`): the flag that refuses a second instance. */
const TWICE_LINE = 3;

beforeAll(async () => {
  await ensureBuilt();
  root = await makeTempDir('doctor-lifecycle');
  ({ setup } = await writeSetups(root));
  projects['leak'] = await buildDoctorPlugin(root, 'leak', {
    // 1 MB (128 Ki doubles) more on a global at each load, at the module's top level
    top: '(globalThis.__doctorLeak ??= []).push(new Array(128 * 1024).fill(Math.random()));',
  });
  projects['slow'] = await buildDoctorPlugin(root, 'slow', {
    dispose: 'return new Promise((done) => setTimeout(done, 2000));',
  });
  projects['twice'] = await buildDoctorPlugin(root, 'twice', {
    top: "if (globalThis.__doctorLoaded === true) throw new Error('already loaded'); globalThis.__doctorLoaded = true;",
  });
  projects['exits'] = await buildDoctorPlugin(root, 'exits', {
    top: "console.log('leaving now'); process.exit(3);",
  });
  projects['throws-later'] = await buildDoctorPlugin(root, 'throws-later', {
    start: "setTimeout(() => { throw new Error('late failure'); }, 1);",
  });
}, 120_000);

afterAll(async () => {
  await removeDir(root);
});

describe('augment doctor over rounds', () => {
  it('tells a global that grows at each load from what Node keeps of each import (exit 1)', async () => {
    const run = await runCli(['doctor', '--rounds', '8', '--json'], projects['leak']!);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      findings: { code: string; advice: string }[];
      measurements: { heap: { retainedKbPerRound: number; bareKbPerRound: number } };
    };
    expect(report.findings.map((f) => f.code)).toEqual(['AUG_DOCTOR_HEAP_GROWTH']);
    expect(report.findings[0]?.advice).toContain('Globals it added: __doctorLeak');
    // about 1024 KB per round: the bare imports, which drop new globals, keep far less
    expect(report.measurements.heap.retainedKbPerRound).toBeGreaterThan(512);
    expect(report.measurements.heap.bareKbPerRound).toBeLessThan(512);
  });

  it('names an onUnload slower than --unload-ms, with its time (exit 1)', async () => {
    const run = await runCli(
      ['doctor', '--setup', setup, '--rounds', '1', '--unload-ms', '500'],
      projects['slow']!,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ onUnload took \d{4,} ms \(the slowest of 2; limit 500 ms\)/u);
    expect(run.stdout).toContain('[AUG_DOCTOR_SLOW_UNLOAD]');
  });

  it('shows the failure of a plugin that cannot be loaded twice, at its line (exit 1)', async () => {
    const run = await runCli(['doctor', '--rounds', '2'], projects['twice']!);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `✗ a second instance does not load while the first one is loaded (as in every reload: the new version loads before the old one unloads): AUG_LOAD_IMPORT (at src/index.ts:${TWICE_LINE}):`,
    );
    expect(run.stdout).toContain('already loaded');
    expect(run.stdout).toContain('[AUG_DOCTOR_RELOAD_FAILED]');
    // the message names the project's dist/, not doctor's temporary copy
    expect(run.stdout).toContain(join(projects['twice']!, 'dist/index.js'));
    expect(run.stdout).not.toContain('augment-doctor-');
  });

  it('reports an error thrown in a timer of the plugin, which would end a host (exit 1)', async () => {
    const run = await runCli(
      ['doctor', '--setup', setup, '--rounds', '1'],
      projects['throws-later']!,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /✗ the plugin threw outside any call of the host in round 1, an uncaught exception \(at src\/index\.ts:7\): late failure \[AUG_DOCTOR_UNCAUGHT\]/u,
    );
  });

  it('says so when the plugin ends the process, with its last output (exit 1)', async () => {
    const run = await runCli(['doctor', '--rounds', '1'], projects['exits']!);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error: The plugin's process ended with code 3 in round 1.");
    expect(run.stderr).toContain('leaving now');
    expect(run.stdout).not.toContain('ok:');
  });
});
