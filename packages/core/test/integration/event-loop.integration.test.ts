import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runHost, type HostKind } from '../helpers/child.js';
import { makeTempDir, removeDir } from '../helpers/fixtures.js';

// No scan stalls the host's event loop for more than 50 ms, in a real host
// process of either kind (the in-process measurements and their method are in
// test/reload/event-loop.test.ts). A 1 ms interval probes the loop; each gap counts
// for the CPU time the main thread used in it, so a busy machine taking the
// CPU away does not count as a stall, while a synchronous stretch of ours does.

let root: string;
beforeEach(async () => {
  root = await makeTempDir('loop-host');
});
afterEach(async () => {
  await removeDir(root);
});

const PLUGINS = 2000;

const SCRIPT = `
for (let i = 0; i < ${PLUGINS}; i += 1) {
  const dir = path.join('plugins', 'p' + i);
  const esm = i % 2 === 0;
  touch(path.join(dir, 'plugin.manifest.json'), JSON.stringify({ name: 'p' + i, version: '1.0.0', entryPoint: esm ? './index.mjs' : './index.cjs' }));
  touch(path.join(dir, esm ? 'index.mjs' : 'index.cjs'), esm ? 'export default { id: ' + i + ' };\\n' : 'module.exports = { id: ' + i + ' };\\n');
  touch(path.join(dir, 'lib', 'data.json'), '{}');
}
// the main thread's CPU time (ms): /proc/thread-self/schedstat on Linux, else the process's
const cpuMs = fs.existsSync('/proc/thread-self/schedstat')
  ? () => Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6
  : () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const measure = async (work) => {
  let last = performance.now();
  let lastCpu = cpuMs();
  let stall = 0;
  const tick = () => {
    const now = performance.now();
    const cpu = cpuMs();
    stall = Math.max(stall, Math.min(now - last, cpu - lastCpu));
    last = now;
    lastCpu = cpu;
  };
  const probe = setInterval(tick, 1);
  const started = performance.now();
  await work();
  tick();
  clearInterval(probe);
  return { ms: Math.round(performance.now() - started), stall: Math.round(stall) };
};
const host = new core.PluginHost({ folder: 'plugins', logger: false });
let added = 0;
const cold = await measure(async () => { added = (await host.reload()).added.length; });
const warm = await measure(async () => { for (let i = 0; i < 3; i += 1) await host.reload(); });
const closed = await measure(() => host.close());
done({ added, cold, warm, closed });
`;

describe.each<HostKind>(['esm', 'cjs'])(
  'the event loop of a real host process (%s host)',
  (kind) => {
    it(`is never stalled over 50 ms by a cold load, warm reloads or close() of ${PLUGINS} plugins`, async () => {
      const run = await runHost(root, SCRIPT, { kind, timeoutMs: 120_000 });
      expect(run.code, run.stderr).toBe(0);
      const result = run.result as {
        added: number;
        cold: { ms: number; stall: number };
        warm: { ms: number; stall: number };
        closed: { ms: number; stall: number };
      };
      const line = JSON.stringify(result);
      console.info(`${kind} host: ${line}`);
      expect(result.added, line).toBe(PLUGINS);
      for (const step of [result.cold, result.warm, result.closed]) {
        expect(step.stall, line).toBeLessThan(50);
      }
    }, 150_000);
  },
);
