// The main thread's CPU time, for probes that tell a stall of their own from
// time the system gave other processes.
import { existsSync, readFileSync } from 'node:fs';

const SCHEDSTAT = '/proc/thread-self/schedstat';
const HAS_SCHEDSTAT = existsSync(SCHEDSTAT);

/**
 * CPU time of the calling thread in ms (Linux); undefined elsewhere.
 *
 * @returns {number | undefined}
 */
export const mainThreadCpuMs = () =>
  HAS_SCHEDSTAT ? Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6 : undefined;
