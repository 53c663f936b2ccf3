// Runs a command several times in a row while CPU-bound processes compete for
// every core (`npm run test:loaded`): the proof that the test suite does not
// depend on timing. Each burner is a `node -e 'for(;;);'` child, killed when
// the runs end, on Ctrl+C and on any exit. Prints one line per run and exits 1
// if any run failed.
//
//   node scripts/loaded-test.mjs [--times N] [--burners N] [-- <command> ...]
//   (default: 3 runs of `npm test` beside 2 burners)
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: {
    times: { type: 'string', default: '3' },
    burners: { type: 'string', default: '2' },
  },
  allowPositionals: true,
});
const times = Number(values.times);
const burnerCount = Number(values.burners);
if (!Number.isInteger(times) || times < 1 || !Number.isInteger(burnerCount) || burnerCount < 0) {
  console.error('usage: node scripts/loaded-test.mjs [--times N] [--burners N] [-- command ...]');
  process.exit(2);
}
const command = positionals.length > 0 ? positionals : ['npm', 'test'];

const burners = Array.from({ length: burnerCount }, () =>
  spawn(process.execPath, ['-e', 'for(;;);'], { stdio: 'ignore' }),
);
const stopBurners = () => {
  for (const burner of burners) burner.kill('SIGKILL');
};
process.on('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopBurners();
    process.exit(130);
  });
}

const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
console.log(
  `loaded-test: ${times} × \`${command.join(' ')}\` beside ${burnerCount} CPU-bound processes (${availableParallelism()} cores)`,
);
const lines = [];
let failed = 0;
const started = performance.now();
for (let run = 1; run <= times; run += 1) {
  const t0 = performance.now();
  const result = spawnSync(command[0], command.slice(1), { stdio: 'inherit' });
  const ok = result.status === 0;
  if (!ok) failed += 1;
  lines.push(
    `loaded-test: run ${run}/${times} ${ok ? 'passed' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds(performance.now() - t0)}`,
  );
  console.log(lines.at(-1));
}
stopBurners();
console.log(lines.join('\n'));
console.log(
  `loaded-test: ${times - failed} passed, ${failed} failed, in ${seconds(performance.now() - started)}`,
);
process.exit(failed === 0 ? 0 : 1);
