// `augment doctor` against real plugins built with the real builder: the
// real CLI starts a real host in a child process and judges what it saw.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt } from './helpers/cli.js';
import { START_LINE, buildDoctorPlugin, writeSetups } from './helpers/doctor.js';
import { makeTempDir, removeDir } from './helpers/project.js';
import { runCli, runCliInTty, stripAnsi } from './helpers/run-cli.js';

vi.setConfig({ testTimeout: 120_000 });

let root: string;
let setup: string;
let refusing: string;
const projects: Record<string, string> = {};

beforeAll(async () => {
  await ensureBuilt();
  root = await makeTempDir('doctor');
  ({ setup, refusing } = await writeSetups(root));
  projects['clean'] = await buildDoctorPlugin(root, 'clean', {
    top: 'let timer: NodeJS.Timeout | undefined; let server: ReturnType<typeof createServer> | undefined;',
    start: 'timer = setInterval(() => undefined, 1000); server = createServer().listen(0);',
    dispose:
      'clearInterval(timer); return new Promise((done) => { if (server === undefined) done(); else server.close(() => done()); });',
  });
  projects['interval'] = await buildDoctorPlugin(root, 'interval', {
    start: 'setInterval(() => undefined, 1000);',
  });
  projects['server'] = await buildDoctorPlugin(root, 'server', {
    start: 'createServer().listen(0);',
  });
  projects['cjs-interval'] = await buildDoctorPlugin(
    root,
    'cjs-interval',
    { start: 'setInterval(() => undefined, 1000);' },
    'cjs',
  );
}, 120_000);

afterAll(async () => {
  await removeDir(root);
});

/** The findings' codes in a `--json` report. */
function codes(stdout: string): string[] {
  const report = JSON.parse(stdout) as { findings: { code: string }[] };
  return report.findings.map((finding) => finding.code);
}

describe('augment doctor', () => {
  it('passes a plugin that closes its interval and its server in onUnload (exit 0)', async () => {
    const run = await runCli(['doctor', '--setup', setup, '--rounds', '10'], projects['clean']!);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✓ resources: nothing left open');
    expect(run.stdout).toMatch(/✓ heap: the plugin keeps \d+ KB per reload \(limit 256 KB\)/u);
    expect(run.stdout).toMatch(/per bare import of the same file/u);
    expect(run.stdout).toContain('ok: clean unloads cleanly');
  });

  it('names the interval left running after onUnload, at its line in src/index.ts (exit 1)', async () => {
    const run = await runCli(['doctor', '--setup', setup, '--rounds', '2'], projects['interval']!);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `✗ an interval started at src/index.ts:${START_LINE} (in start) is still running after onUnload (3 open after 2 rounds) [AUG_DOCTOR_RESOURCE_LEFT]`,
    );
    expect(run.stdout).toContain('fix: Clear it in onUnload (clearInterval)');
  });

  it('names the interval of a CommonJS plugin too', async () => {
    const run = await runCli(
      ['doctor', '--setup', setup, '--rounds', '1', '--json'],
      projects['cjs-interval']!,
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: { file?: string; line?: number }[] };
    expect(report.findings).toEqual([
      expect.objectContaining({
        code: 'AUG_DOCTOR_RESOURCE_LEFT',
        file: join(projects['cjs-interval']!, 'src/index.ts'),
        line: START_LINE,
      }),
    ]);
  });

  it('names a server left listening (exit 1)', async () => {
    const run = await runCli(['doctor', '--setup', setup, '--rounds', '1'], projects['server']!);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `✗ a server started at src/index.ts:${START_LINE} \\(in start\\) is still listening after onUnload`,
        'u',
      ),
    );
    expect(run.stdout).toContain('[AUG_DOCTOR_RESOURCE_LEFT]');
    expect(run.stdout).toContain('server.close()');
  });

  it('prints one JSON document with --json: ok, rounds, findings, measurements', async () => {
    const run = await runCli(
      ['doctor', '--setup', setup, '--rounds', '2', '--json'],
      projects['interval']!,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      ok: false,
      rounds: 2,
      plugin: { name: 'interval', version: '1.0.0', format: 'esm' },
      findings: [
        {
          code: 'AUG_DOCTOR_RESOURCE_LEFT',
          message: expect.stringContaining('an interval started at') as unknown,
          advice: expect.stringContaining('clearInterval') as unknown,
          file: join(projects['interval']!, 'src/index.ts'),
          line: START_LINE,
        },
      ],
      measurements: {
        roundsRun: 2,
        unload: { calls: 3, limitMs: 1000 },
        heap: null,
        resourcesLeft: 3,
      },
    });
    const clean = await runCli(
      ['doctor', '--setup', setup, '--rounds', '8', '--json'],
      projects['clean']!,
    );
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({
      ok: true,
      findings: [],
      measurements: {
        heap: {
          hostKbPerRound: expect.any(Number) as unknown,
          bareKbPerRound: expect.any(Number) as unknown,
          retainedKbPerRound: expect.any(Number) as unknown,
          limitKb: 256,
        },
      },
    });
    expect(codes(run.stdout)).toEqual(['AUG_DOCTOR_RESOURCE_LEFT']);
  });

  it('fails clearly, without a stack, when the --setup validator refuses the plugin (exit 1)', async () => {
    const run = await runCli(['doctor', '--setup', refusing, '--rounds', '2'], projects['clean']!);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ the plugin does not load: AUG_VALIDATE_REJECTED/u);
    expect(run.stdout).toContain('[AUG_DOCTOR_LOAD_FAILED]');
    expect(run.stderr).toBe('');
  });

  it('loads a plugin whose peer dependency is installed in the project, as dist/ does', async () => {
    const project = await buildDoctorPlugin(
      root,
      'with-peer',
      {
        top: "import { PEER_MARKER } from 'host-api'; void PEER_MARKER;",
      },
      'esm',
      { peerDependencies: { 'host-api': '^1.0.0' } },
    );
    const run = await runCli(['doctor', '--rounds', '1'], project);
    expect(run.stdout).toContain('ok: with-peer unloads cleanly');
    expect(run.code).toBe(0);
  });

  it('shows the round in progress on a terminal only, and erases it', async () => {
    const tty = await runCliInTty(['doctor', '--rounds', '2'], projects['clean']!);
    expect(tty.code).toBe(0);
    expect(tty.stdout).toContain('round 2/2: through the host…');
    const lines = stripAnsi(tty.stdout).split(/\r\n|\r/u);
    expect(lines.filter((line) => line.startsWith('doctor: clean@1.0.0'))).toHaveLength(1);
    const piped = await runCli(['doctor', '--rounds', '2'], projects['clean']!);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).not.toContain('round 2/2');
  });

  it('prints its help: flags with their defaults, exit codes, examples', async () => {
    const run = await runCli(['doctor', '--help'], root);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatchInlineSnapshot(`
      "Usage: augment doctor [options] [dir]

      Load, unload and reload the built plugin (dist/) many times in a throwaway host,
      and report what it leaves behind: open timers, servers and sockets, heap kept
      per reload, a slow onUnload, a plugin that cannot load twice.

      Arguments:
        dir               the plugin project (default: the nearest project from here
                          upwards)

      Options:
        --rounds <n>      load, unload and reload rounds (default: 20)
        --setup <module>  a JavaScript module exporting the host's PluginHost options
                          (validator, onLoad, onUnload…)
        --json            print one JSON report on stdout (for CI)
        --unload-ms <ms>  the slowest onUnload allowed, in ms (default: 1000)
        --heap-kb <kb>    the heap the plugin may keep per reload, in KB (default:
                          256)
        -h, --help        show this help

      Run augment build first: doctor runs dist/. Exit 0 when it found nothing,
      1 when it found a problem (each one named, with what to do), 2 for a usage error.

      Examples:
        $ augment doctor
        $ augment doctor --setup doctor.setup.mjs
        $ augment doctor --json > doctor.json
      "
    `);
  });

  it('says to run augment build when there is no dist/ (exit 1), and refuses bad flags (exit 2)', async () => {
    const project = join(root, 'unbuilt');
    await buildDoctorPlugin(root, 'unbuilt', {});
    await rm(join(project, 'dist'), { recursive: true });
    const run = await runCli(['doctor'], project);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Run `augment build` first');
    expect((await runCli(['doctor', '--rounds', '0'], project)).code).toBe(2);
    expect(
      (await runCli(['doctor', '--setup', join(root, 'nope.mjs')], projects['clean']!)).code,
    ).toBe(1);
  });
});
