import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describeValue } from '../util/describe.js';
import { isThenable, settle } from '../util/thenable.js';
import type { Validator } from '../types.js';

/** The outcome of running a validator: pass, or fail with a readable list of issues. */
export type ValidationOutcome =
  { readonly ok: true } | { readonly ok: false; readonly issues: string };

/**
 * Runs a host validator (a type guard or a Standard Schema) against a value.
 * The validator only decides: whatever a schema returns is thrown away, so the
 * caller keeps the original value. A validator that throws throws here (or
 * rejects, when it is asynchronous).
 *
 * The outcome is returned synchronously when the validator answers
 * synchronously (every type guard, most schemas): there is nothing to time
 * out then, and a scan of thousands of plugins saves a timer and a few
 * promises per plugin. An answer that is a promise or any thenable (another
 * realm's promise, a hand-made `{ then }`) is awaited like a native promise;
 * whatever cannot be read as a passing result fails (fail closed).
 *
 * @param validator - type guard or Standard Schema
 * @param value - the plugin export or the manifest's `meta`
 */
export function runValidator<T>(
  validator: Validator<T>,
  value: unknown,
): ValidationOutcome | Promise<ValidationOutcome> {
  if (typeof validator === 'function') {
    // a plain-JavaScript host may pass an async guard: await what it returns
    const returned: unknown = validator(value);
    if (isThenable(returned)) {
      return settle(returned).then((passed) => guardOutcome(validator, passed));
    }
    return guardOutcome(validator, returned);
  }
  const result: unknown = validator['~standard'].validate(value);
  return isThenable(result) ? settle(result).then(schemaOutcome) : schemaOutcome(result);
}

function guardOutcome(guard: (value: unknown) => unknown, passed: unknown): ValidationOutcome {
  return passed === true
    ? { ok: true }
    : {
        ok: false,
        issues: `the type guard ${guard.name || '(anonymous)'} returned ${describeValue(passed)}`,
      };
}

/** Reads a schema's result; throws (and so fails) when it is not a result object. */
function schemaOutcome(result: unknown): ValidationOutcome {
  if (typeof result !== 'object' || result === null) {
    throw new TypeError(`the schema's validate() returned ${describeValue(result)}, not a result`);
  }
  const { issues } = result as StandardSchemaV1.Result<unknown>;
  if (issues === undefined) return { ok: true };
  return { ok: false, issues: formatIssues(issues) };
}

/** Formats Standard Schema issues as `path: message` lines joined by `; `. */
export function formatIssues(issues: readonly StandardSchemaV1.Issue[]): string {
  if (issues.length === 0) return 'the schema reported a failure without issues';
  return issues
    .map((issue) => {
      const path = (issue.path ?? [])
        .map((segment) => (typeof segment === 'object' ? segment.key : segment))
        .map(String)
        .join('.');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
}
