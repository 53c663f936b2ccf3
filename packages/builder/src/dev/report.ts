// What `augment dev` prints under a build line once the host was told.
import { formatDuration } from '../output.js';
import type { Output } from '../output.js';
import type { NotifyOutcome } from './client.js';

/** What {@link printOutcome} remembers between notifications. */
export interface HostPresence {
  /** "No host is listening" was said, and no host answered since. */
  absentSaid: boolean;
}

/**
 * Prints what came of telling the host: `✓ my-plugin@1.2.0 loaded in the host
 * (14 ms)`, `✗ the host refused my-plugin: CODE message` with the code frame,
 * or, once until a host answers again, that no host is listening.
 *
 * @param output - where to print
 * @param outcome - what the notification gave
 * @param context - the host's folder and the plugin, for the lines; `presence` is updated
 */
export function printOutcome(
  output: Output,
  outcome: NotifyOutcome,
  context: { folder: string; plugin: string; presence: HostPresence },
): void {
  const { presence } = context;
  switch (outcome.kind) {
    case 'absent':
      if (presence.absentSaid) return;
      presence.absentSaid = true;
      output.line(
        output.style(
          'yellow',
          `no host is listening on ${context.folder}; it will pick the change up if it watches the folder`,
        ),
      );
      return;
    case 'failed':
      output.problem(`${output.styleErr('red', '✗')} the host did not load it: ${outcome.why}`);
      return;
    case 'answered': {
      presence.absentSaid = false;
      const { answer } = outcome;
      if (answer.ok) {
        const what = `${answer.name}@${answer.version}`;
        output.line(
          answer.status === 'unchanged'
            ? `${output.style('green', '✓')} ${output.style('bold', what)} unchanged in the host (it already serves this build)`
            : `${output.style('green', '✓')} ${output.style('bold', what)} loaded in the host (${formatDuration(answer.ms)})`,
        );
        return;
      }
      const name = answer.name ?? context.plugin;
      output.problem(
        `${output.styleErr('red', '✗')} the host refused ${output.styleErr('bold', name)}: ${answer.code} ${answer.message}`,
      );
      if (answer.frame !== undefined && answer.frame !== '') {
        for (const line of answer.frame.replace(/\n+$/u, '').split('\n')) output.problem(line);
      }
      return;
    }
  }
}
