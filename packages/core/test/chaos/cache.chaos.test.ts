// Torture test of one archive cache shared by several real host processes.
// Each process has its own plugin folder and, round after round, replaces a
// zip with another version, removes one, adds one back, or changes nothing,
// then reloads; the versions are few, so the processes keep hitting, leasing
// and sweeping the same extractions. One process at a time is SIGKILLed at a
// random moment and restarted. After every reload each process reads every
// file of every plugin it serves and calls it: no file may ever be missing,
// no reload may fail, and every process ends serving its folder's plugins.
//
// Rounds per process: AUGMENT_CHAOS_RUNS (default 30); seed: AUGMENT_CHAOS_SEED.

import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { ArchiveCache } from '../../src/sources/archive/cache.js';
import { CORE_CJS, CORE_ESM } from '../helpers/child.js';
import { makeTempDir, removeDir } from '../helpers/fixtures.js';

const ROUNDS = Number(process.env['AUGMENT_CHAOS_RUNS'] ?? 30);
const SEED = Number(process.env['AUGMENT_CHAOS_SEED'] ?? Date.now() % 1_000_000);
const PROCESSES = 4;
const NAMES = ['alpha', 'beta', 'gamma'];
const VERSIONS = ['1.0.0', '2.0.0', '3.0.0'];

/** One built archive: a plugin at a version, and the files it holds. */
interface Built {
  readonly name: string;
  readonly version: string;
  readonly zip: string;
  readonly sha256: string;
  readonly files: readonly string[];
}

/** The files of one plugin version: several modules and folders, so a removal takes a while. */
function pluginFiles(name: string, version: string): Record<string, string> {
  const word = JSON.stringify(`${name}@`);
  // the last plugin is CommonJS, and requires its second module only when called
  const files: Record<string, string> =
    name === NAMES.at(-1)
      ? {
          'plugin.manifest.json': manifest(name, version, './index.cjs'),
          'index.cjs': [
            `const { readFileSync } = require('node:fs');`,
            `const { join } = require('node:path');`,
            `module.exports = { greet: () => require('./lib/word.cjs').word + JSON.parse(readFileSync(join(__dirname, 'data/v.json'), 'utf8')).v };`,
          ].join('\n'),
          'lib/word.cjs': `exports.word = ${word};\n`,
        }
      : {
          'plugin.manifest.json': manifest(name, version, './index.mjs'),
          'index.mjs': [
            `import { readFileSync } from 'node:fs';`,
            `import { word } from './lib/word.mjs';`,
            `export default { greet: () => word + JSON.parse(readFileSync(new URL('./data/v.json', import.meta.url), 'utf8')).v };`,
          ].join('\n'),
          'lib/word.mjs': `export const word = ${word};\n`,
        };
  files['data/v.json'] = JSON.stringify({ v: version });
  for (let i = 0; i < 12; i += 1) files[`assets/${i}/file-${i}.txt`] = `${name} ${version} ${i}\n`;
  return files;
}

function manifest(name: string, version: string, entryPoint: string): string {
  return JSON.stringify({ name, version, entryPoint, meta: {} });
}

async function buildZip(dir: string, name: string, version: string): Promise<Built> {
  const files = pluginFiles(name, version);
  const zip = new ZipFile();
  for (const [path, text] of Object.entries(files)) {
    zip.addBuffer(Buffer.from(text), path, { mtime: new Date(0) });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  const file = join(dir, `${name}-${version}.zip`);
  await writeFile(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { name, version, zip: file, sha256, files: Object.keys(files) };
}

/** The host process's imports: an ES module host, or a CommonJS one (odd slots). */
const HOST_HEADERS = {
  esm: `
import * as core from ${JSON.stringify(CORE_ESM)};
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
`,
  cjs: `
const core = require(${JSON.stringify(CORE_CJS)});
const fs = require('node:fs');
const path = require('node:path');
const { createHash } = require('node:crypto');
`,
};

/** The host process's body: argv = folder, cacheDir, built.json, seed, rounds, first round. */
const HOST_BODY = `
const [folder, cacheDir, builtFile, seedText, roundsText, firstText] = process.argv.slice(2);
const built = JSON.parse(fs.readFileSync(builtFile, 'utf8'));
const names = [...new Set(built.map((b) => b.name))];
let seed = Number(seedText) >>> 0;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];
const say = (line) => process.stdout.write(line + '\\n');

/** name -> built archive in the folder, from the bytes (the folder survives a SIGKILL). */
const inFolder = () => {
  const state = new Map();
  for (const name of names) {
    const file = path.join(folder, name + '.zip');
    if (!fs.existsSync(file)) continue;
    const sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    state.set(name, built.find((b) => b.sha256 === sha));
  }
  return state;
};
const publish = (b) => {
  const temp = path.join(folder, '.' + b.name + '.zip.' + process.pid + '.tmp');
  fs.copyFileSync(b.zip, temp);
  fs.renameSync(temp, path.join(folder, b.name + '.zip'));
};
const mutate = () => {
  const name = pick(names);
  const file = path.join(folder, name + '.zip');
  const op = random();
  if (op < 0.5) publish(pick(built.filter((b) => b.name === name)));
  else if (op < 0.7) fs.rmSync(file, { force: true });
  // else: no change, a reload of cache hits
};
/** Reads every file of every served plugin and calls it; reports what is missing. */
const check = (host, round) => {
  for (const entry of host.getAll()) {
    const b = built.find((x) => x.name === entry.manifest.name && x.version === entry.manifest.version);
    for (const file of b.files) {
      try {
        fs.readFileSync(path.join(entry.dir, file));
      } catch (error) {
        say('LOST ' + JSON.stringify({ round, plugin: b.name + '@' + b.version, file, code: error.code, dir: entry.dir }));
      }
    }
    try {
      const greeting = entry.plugin.greet();
      if (greeting !== b.name + '@' + b.version) say('WRONG ' + JSON.stringify({ round, greeting }));
    } catch (error) {
      say('LOST ' + JSON.stringify({ round, plugin: b.name + '@' + b.version, call: String(error), code: error.code }));
    }
  }
};

const host = new core.PluginHost({ folder, cacheDir, logger: false, loadTimeoutMs: 120000 });
const rounds = Number(roundsText);
for (let round = Number(firstText); round < rounds; round += 1) {
  mutate();
  const report = await host.reload();
  for (const f of report.failed) say('FAILED ' + JSON.stringify({ round, source: f.source, stage: f.stage, code: f.code, message: f.message }));
  check(host, round);
  say('ROUND ' + round);
}
const report = await host.reload();
for (const f of report.failed) say('FAILED ' + JSON.stringify({ round: 'final', source: f.source, stage: f.stage, code: f.code, message: f.message }));
check(host, 'final');
const served = Object.fromEntries(host.getAll().map((e) => [e.manifest.name, e.manifest.version]));
const expected = Object.fromEntries([...inFolder()].map(([name, b]) => [name, b.version]));
await host.close();
say('END ' + JSON.stringify({ served, expected }));
`;

/** The host script of one kind: the CommonJS one runs the body in an async function. */
function hostScript(kind: 'esm' | 'cjs'): string {
  return kind === 'esm'
    ? `${HOST_HEADERS.esm}${HOST_BODY}`
    : `${HOST_HEADERS.cjs}(async () => {${HOST_BODY}})().catch((error) => { console.error(error); process.exitCode = 1; });\n`;
}

let root: string;
const children = new Set<ChildProcess>();

beforeEach(async () => {
  root = await makeTempDir('cache-chaos');
});
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await removeDir(root);
});

/** What the processes reported, over all their lives. */
interface Outcome {
  problems: string[];
  ends: { slot: number; served: unknown; expected: unknown }[];
  kills: number;
}

/** A tiny seeded generator for the parent's choices (which process to kill, and when). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

it(`serves every file of every plugin while ${PROCESSES} processes share one cache (seed ${SEED}, ${ROUNDS} rounds)`, async () => {
  const zips = join(root, 'zips');
  const cacheDir = join(root, 'cache');
  await mkdir(zips);
  const built: Built[] = [];
  for (const name of NAMES) {
    for (const version of VERSIONS) built.push(await buildZip(zips, name, version));
  }
  const builtFile = join(root, 'built.json');
  await writeFile(builtFile, JSON.stringify(built));
  // half the processes are ES module hosts, half CommonJS hosts (the ESM and the CJS build of core)
  const scripts = { esm: join(root, 'host.mjs'), cjs: join(root, 'host.cjs') };
  await writeFile(scripts.esm, hostScript('esm'));
  await writeFile(scripts.cjs, hostScript('cjs'));

  const random = generator(SEED);
  // one kill per 10 rounds, at least one: each in a random process, at a random round
  let killsLeft = Math.max(1, Math.floor(ROUNDS / 10));
  const outcome: Outcome = { problems: [], ends: [], kills: 0 };

  const runSlot = async (slot: number): Promise<void> => {
    const folder = join(root, `plugins-${slot}`);
    await mkdir(folder, { recursive: true });
    let first = 0;
    let life = 0;
    for (;;) {
      life += 1;
      // a kill is due in this life when the draw says so; it happens a few ms after a round ends
      const killAt =
        killsLeft > 0 && random() < 0.5 ? first + Math.floor(random() * (ROUNDS - first)) : -1;
      if (killAt >= 0) killsLeft -= 1;
      const seed = (SEED * 31 + slot * 1009 + life * 7919) >>> 0;
      const result = await new Promise<{ ended: boolean; last: number }>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            slot % 2 === 0 ? scripts.esm : scripts.cjs,
            folder,
            cacheDir,
            builtFile,
            String(seed),
            String(ROUNDS),
            String(first),
          ],
          {
            cwd: root,
            env: { ...process.env, NODE_OPTIONS: '' },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        children.add(child);
        let last = first - 1;
        let killed = false;
        let ended = false;
        let pending = '';
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          pending += chunk;
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) {
            const [kind = '', ...rest] = line.split(' ');
            const data = rest.join(' ');
            if (kind === 'ROUND') {
              last = Number(data);
              if (last === killAt && !killed) {
                killed = true;
                setTimeout(() => child.kill('SIGKILL'), Math.floor(random() * 30));
              }
            } else if (kind === 'END') {
              const end = JSON.parse(data) as { served: unknown; expected: unknown };
              outcome.ends.push({ slot, ...end });
              ended = true;
            } else if (kind === 'LOST' || kind === 'FAILED' || kind === 'WRONG') {
              outcome.problems.push(`process ${slot} (life ${life}): ${line}`);
            }
          }
        });
        child.on('error', reject);
        child.on('close', (code) => {
          children.delete(child);
          if (!killed && code !== 0) {
            outcome.problems.push(`process ${slot} exited with ${code}: ${stderr}`);
          }
          resolve({ ended: ended || !killed, last });
        });
      });
      if (result.ended) return;
      outcome.kills += 1;
      first = result.last + 1;
    }
  };

  await Promise.all(Array.from({ length: PROCESSES }, (_, slot) => runSlot(slot)));

  const context = `seed ${SEED}, ${ROUNDS} rounds, ${outcome.kills} kills (rerun with AUGMENT_CHAOS_SEED=${SEED} AUGMENT_CHAOS_RUNS=${ROUNDS}; kill timing varies)`;
  expect(outcome.problems, context).toEqual([]);
  expect(outcome.ends, context).toHaveLength(PROCESSES);
  for (const end of outcome.ends) {
    expect(end.served, `${context}, process ${end.slot}`).toEqual(end.expected);
  }
  // every host is gone: one more sweep leaves nothing of them behind
  await new ArchiveCache(cacheDir).sweep([]);
  const left = (await readdir(cacheDir)).filter((n) => n !== '.hashes.json');
  expect(
    left.filter((n) => n !== '.leases' && n !== '.sweeps'),
    context,
  ).toEqual([]);
  for (const folder of ['.leases', '.sweeps']) {
    expect(await readdir(join(cacheDir, folder)).catch(() => []), context).toEqual([]);
  }
}, 600_000);
