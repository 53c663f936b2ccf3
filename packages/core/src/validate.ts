import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Validator } from './types.js';

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
 * promises per plugin.
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
    if (returned instanceof Promise) {
      return returned.then((passed: unknown) => guardOutcome(validator, passed));
    }
    return guardOutcome(validator, returned);
  }
  const result = validator['~standard'].validate(value);
  return result instanceof Promise ? result.then(schemaOutcome) : schemaOutcome(result);
}

function guardOutcome(guard: (value: unknown) => unknown, passed: unknown): ValidationOutcome {
  return passed === true
    ? { ok: true }
    : {
        ok: false,
        issues: `the type guard ${guard.name || '(anonymous)'} returned ${String(passed)}`,
      };
}

function schemaOutcome(result: StandardSchemaV1.Result<unknown>): ValidationOutcome {
  if (result.issues === undefined) return { ok: true };
  return { ok: false, issues: formatIssues(result.issues) };
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
