import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Greeter } from './greeter.js';
import { GREETER_KINDS, PRIORITY_RANGE, type GreeterMeta } from './meta.js';

type Issue = StandardSchemaV1.Issue;

/** Names a value's type for a message: `a string`, `null`, `an array`, `undefined`… */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

/** What is wrong with a plugin's export, measured against {@link Greeter}; `[]` when it fits. */
function greeterIssues(value: unknown): Issue[] {
  if (!isRecord(value)) {
    return [{ message: `expected an object with a greet() method, got ${describe(value)}` }];
  }
  const issues: Issue[] = [];
  if (typeof value['greet'] !== 'function') {
    issues.push({
      path: ['greet'],
      message: `expected a function, got ${describe(value['greet'])}`,
    });
  }
  const uses = value['uses'];
  if (uses !== undefined && typeof uses !== 'function') {
    issues.push({
      path: ['uses'],
      message: `expected a function or nothing, got ${describe(uses)}`,
    });
  }
  return issues;
}

/** What is wrong with a manifest's `meta`, measured against {@link GreeterMeta}; `[]` when it fits. */
function greeterMetaIssues(value: unknown): Issue[] {
  if (!isRecord(value) || Array.isArray(value)) {
    return [{ message: `expected an object, got ${describe(value)}` }];
  }
  const issues: Issue[] = [];
  const { kind, priority } = value;
  if (typeof kind !== 'string' || !(GREETER_KINDS as readonly string[]).includes(kind)) {
    const got = typeof kind === 'string' ? JSON.stringify(kind) : describe(kind);
    issues.push({
      path: ['kind'],
      message: `expected one of ${GREETER_KINDS.join(', ')}, got ${got}`,
    });
  }
  const { min, max } = PRIORITY_RANGE;
  if (
    typeof priority !== 'number' ||
    !Number.isInteger(priority) ||
    priority < min ||
    priority > max
  ) {
    const got = typeof priority === 'number' ? String(priority) : describe(priority);
    issues.push({
      path: ['priority'],
      message: `expected an integer from ${min} to ${max}, got ${got}`,
    });
  }
  return issues;
}

/** A Standard Schema whose `validate` runs `check`: no schema library needed. */
function createSchema<T>(check: (value: unknown) => Issue[]): StandardSchemaV1<T> {
  return Object.freeze({
    '~standard': Object.freeze({
      version: 1,
      vendor: '@augment/example-host-types',
      validate(value: unknown): StandardSchemaV1.Result<T> {
        const issues = check(value);
        return issues.length === 0 ? { value: value as T } : { issues };
      },
    }),
  });
}

/**
 * A Standard Schema for a plugin's export: an object (or function) with a
 * `greet` method, and a `uses` method or none. Pass it as the host's `validator`; a plugin that fails it
 * is reported as `AUG_VALIDATE_REJECTED`, with each issue as `path: message`.
 * Only the shape can be checked at run time, not what `greet` returns.
 */
export const greeterSchema: StandardSchemaV1<Greeter> = createSchema<Greeter>(greeterIssues);

/**
 * A Standard Schema for a manifest's `meta` ({@link GreeterMeta}). Pass it as
 * the host's `metaValidator`; a plugin that fails it is reported as
 * `AUG_VALIDATE_META`, before its entry point is imported.
 */
export const greeterMetaSchema: StandardSchemaV1<GreeterMeta> =
  createSchema<GreeterMeta>(greeterMetaIssues);

/** Type guard form of {@link greeterSchema}: `true` when `value` fits {@link Greeter}. */
export function isGreeter(value: unknown): value is Greeter {
  return greeterIssues(value).length === 0;
}

/** Type guard form of {@link greeterMetaSchema}: `true` when `value` fits {@link GreeterMeta}. */
export function isGreeterMeta(value: unknown): value is GreeterMeta {
  return greeterMetaIssues(value).length === 0;
}
