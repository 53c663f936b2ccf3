// The entry point of doctor's child process (dist/doctor-child.js), started
// by `augment doctor` with --expose-gc and an IPC channel. Its one argument is
// the job (a ChildRequest as JSON); it sends one message per round and the
// report, then exits, whatever the plugin left running.
import { runBareImports } from './bare-imports.js';
import { runHostRounds } from './host-rounds.js';
import type { ChildMessage, ChildRequest } from './protocol.js';

function send(message: ChildMessage): Promise<void> {
  return new Promise((done) => {
    if (process.send === undefined) throw new Error('doctor child started without an IPC channel');
    process.send(message, undefined, {}, () => {
      done();
    });
  });
}

async function run(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '') as ChildRequest;
  const report =
    request.mode === 'host'
      ? await runHostRounds(request, send)
      : await runBareImports(request, send);
  await send({ type: 'report', report });
  process.exit(0);
}

run().catch((error: unknown) => {
  // a bug in doctor itself, not the plugin: the CLI shows this with the exit code
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(70);
});
