// A CPU profile of one part of a probe, taken from inside the process with
// the inspector protocol (so a warm reload is profiled without its cold load).
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/**
 * Starts profiling this process; call the returned function to stop and
 * write the profile as a `.cpuprofile` file.
 *
 * @returns {Promise<(file: string) => Promise<void>>}
 */
export async function startProfile() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
  };
}
