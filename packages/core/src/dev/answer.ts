import { ERROR_CODES } from '../errors.js';
import type { PluginEntry, PluginFailure, ReloadReport } from '../types.js';
import { codeFrame } from './code-frame.js';
import type { DevAnswer, FailedAnswer } from './protocol.js';

/**
 * The answer to `changed <name>`, from the report of the scan that served it:
 * the plugin's new or unchanged version, or its failure (its last good
 * version, if any, serves on), or why the host has none.
 *
 * @param name - the plugin named in the request
 * @param report - the report of the scan that reloaded it
 * @param entry - the entry serving under `name` right after the scan
 * @param folder - the host's folder, absolute
 */
export function answerChanged(
  name: string,
  report: ReloadReport,
  entry: Pick<PluginEntry<unknown, unknown>, 'manifest'> | undefined,
  folder: string,
): DevAnswer {
  const status = report.added.includes(name)
    ? 'added'
    : report.updated.includes(name)
      ? 'updated'
      : undefined;
  const ms = Math.round(report.durationMs * 10) / 10;
  if (status !== undefined && entry !== undefined) {
    return { ok: true, name, version: entry.manifest.version, status, ms };
  }
  const failure = ownFailure(report.failed, name);
  if (failure !== undefined) return failedAnswer(name, failure);
  if (entry !== undefined && report.unchanged.includes(name)) {
    return { ok: true, name, version: entry.manifest.version, status: 'unchanged', ms };
  }
  if (report.disabled.includes(name)) {
    return {
      ok: false,
      name,
      code: ERROR_CODES.DEV_DISABLED,
      message: `${name} is switched off in the host (${ERROR_CODES.DEV_DISABLED}): switch it back on with host.enable("${name}") to load it.`,
    };
  }
  return {
    ok: false,
    name,
    code: ERROR_CODES.DEV_NOT_FOUND,
    message: `${name} is not in ${folder} (${ERROR_CODES.DEV_NOT_FOUND}): link it with augment link ${folder}`,
  };
}

/** The plugin's own failure: not a conflict lost by another copy, nor its old version's `onUnload`. */
function ownFailure(failures: readonly PluginFailure[], name: string): PluginFailure | undefined {
  const mine = failures.filter((f) => f.name === name && f.stage !== 'conflict');
  return mine.find((f) => f.stage !== 'unload') ?? mine[0];
}

function failedAnswer(name: string, failure: PluginFailure): FailedAnswer {
  const { code, stage, message } = failure;
  const located = codeFrame(failure.cause.cause, stage === 'import');
  const file = located?.file ?? failure.cause.file;
  return {
    ok: false,
    name,
    code,
    stage,
    message,
    ...(file === undefined ? {} : { file }),
    ...(located === undefined ? {} : { frame: located.frame }),
  };
}
