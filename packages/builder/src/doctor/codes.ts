import { AugmentError, type AugmentErrorDetails } from '@augment/core';
import type { AugmentErrorConstructor } from '@augment/cli-kit';

/**
 * The codes of `augment doctor`'s findings: each one fails the run (exit 1).
 * A shipped code never changes meaning.
 */
export const DOCTOR_FINDING_CODES = {
  /** The plugin does not load at all (first round): a failure of the host, named. */
  LOAD_FAILED: 'AUG_DOCTOR_LOAD_FAILED',
  /** The plugin loaded once but not a second time, or not beside a first instance. */
  RELOAD_FAILED: 'AUG_DOCTOR_RELOAD_FAILED',
  /** A timer, server, socket, child process or watcher the plugin opened is still open after onUnload. */
  RESOURCE_LEFT: 'AUG_DOCTOR_RESOURCE_LEFT',
  /** The heap grows with each reload by more than the limit, beyond what Node keeps of each import. */
  HEAP_GROWTH: 'AUG_DOCTOR_HEAP_GROWTH',
  /** An onUnload took longer than the limit. */
  SLOW_UNLOAD: 'AUG_DOCTOR_SLOW_UNLOAD',
  /** An onUnload threw, rejected or timed out. */
  UNLOAD_FAILED: 'AUG_DOCTOR_UNLOAD_FAILED',
  /** The plugin threw outside any call of the host (in a timer, an unawaited promise). */
  UNCAUGHT: 'AUG_DOCTOR_UNCAUGHT',
} as const;

/** One of the {@link DOCTOR_FINDING_CODES}. */
export type DoctorFindingCode = (typeof DOCTOR_FINDING_CODES)[keyof typeof DOCTOR_FINDING_CODES];

/** The codes of the errors that stop `augment doctor` before it can judge the plugin. */
export const DOCTOR_ERROR_CODES = {
  /** The project has no built plugin in dist/. */
  NO_BUILD: 'AUG_DOCTOR_NO_BUILD',
  /** The --setup module is missing, throws, exports no options, or the host refused them. */
  SETUP: 'AUG_DOCTOR_SETUP',
  /** doctor's child process ended without a report, or stopped answering. */
  CHILD: 'AUG_DOCTOR_CHILD',
} as const;

/** One of the {@link DOCTOR_ERROR_CODES}. */
export type DoctorErrorCode = (typeof DOCTOR_ERROR_CODES)[keyof typeof DOCTOR_ERROR_CODES];

const AugmentErrorBase = AugmentError as unknown as AugmentErrorConstructor;

/** `augment doctor` could not run the plugin: what happened, then what to do. */
export class DoctorError extends AugmentErrorBase {
  /** Stable machine-readable code. */
  declare readonly code: DoctorErrorCode;
  /** Lines the message lists between its headline and the fix (a child's last output); may be empty. */
  readonly details: string[];

  /**
   * @param code - stable code from {@link DOCTOR_ERROR_CODES}
   * @param message - what happened, naming the file, then what to do
   * @param details - plugin, file, cause, and the lines the message lists
   */
  constructor(
    code: DoctorErrorCode,
    message: string,
    details: AugmentErrorDetails & { details?: readonly string[] } = {},
  ) {
    super(code, message, details);
    this.details = [...(details.details ?? [])];
  }
}
