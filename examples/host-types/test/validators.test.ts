import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describe, expect, it } from 'vitest';
import {
  GREETER_KINDS,
  greeterMetaSchema,
  greeterSchema,
  isGreeter,
  isGreeterMeta,
} from '../src/index.js';

/** Runs a schema synchronously (ours never return a promise) and lists its issues as `path: message`. */
function issuesOf(schema: StandardSchemaV1, value: unknown): string[] {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) throw new Error('expected a synchronous result');
  return (result.issues ?? []).map(({ path, message }) =>
    path === undefined ? message : `${path.map(String).join('.')}: ${message}`,
  );
}

describe('greeterSchema', () => {
  it('accepts an object or a function with a greet() method, and returns it as it is', () => {
    const plugin = { greet: () => 'hi', extra: 1 };
    const result = greeterSchema['~standard'].validate(plugin);
    expect(result).toEqual({ value: plugin });
    const fn = Object.assign(() => undefined, { greet: () => 'hi' });
    expect(issuesOf(greeterSchema, fn)).toEqual([]);
    expect(isGreeter(plugin)).toBe(true);
  });

  it('names what is missing', () => {
    expect(issuesOf(greeterSchema, { hello: () => 'hi' })).toEqual([
      'greet: expected a function, got undefined',
    ]);
    expect(issuesOf(greeterSchema, { greet: 'hi' })).toEqual([
      'greet: expected a function, got a string',
    ]);
    expect(issuesOf(greeterSchema, null)).toEqual([
      'expected an object with a greet() method, got null',
    ]);
    expect(isGreeter(undefined)).toBe(false);
  });

  it('accepts a uses() method or none, and names a uses that is not a function', () => {
    expect(issuesOf(greeterSchema, { greet: () => 'hi', uses: () => undefined })).toEqual([]);
    expect(issuesOf(greeterSchema, { greet: () => 'hi', uses: undefined })).toEqual([]);
    expect(issuesOf(greeterSchema, { uses: 'example-plugin' })).toEqual([
      'greet: expected a function, got undefined',
      'uses: expected a function or nothing, got a string',
    ]);
    expect(isGreeter({ greet: () => 'hi', uses: null })).toBe(false);
  });

  it('is a Standard Schema of version 1', () => {
    expect(greeterSchema['~standard'].version).toBe(1);
    expect(greeterSchema['~standard'].vendor).toBe('@augment/example-host-types');
    expect(Object.isFrozen(greeterSchema)).toBe(true);
  });
});

describe('greeterMetaSchema', () => {
  it('accepts every kind with an integer priority from 0 to 100, and extra keys', () => {
    for (const kind of GREETER_KINDS) {
      expect(issuesOf(greeterMetaSchema, { kind, priority: 0 })).toEqual([]);
      expect(issuesOf(greeterMetaSchema, { kind, priority: 100, tags: ['x'] })).toEqual([]);
    }
    expect(isGreeterMeta({ kind: 'casual', priority: 50 })).toBe(true);
  });

  it('reports every problem at once', () => {
    expect(issuesOf(greeterMetaSchema, { kind: 'rude', priority: 1.5 })).toEqual([
      'kind: expected one of formal, casual, playful, got "rude"',
      'priority: expected an integer from 0 to 100, got 1.5',
    ]);
    expect(issuesOf(greeterMetaSchema, {})).toEqual([
      'kind: expected one of formal, casual, playful, got undefined',
      'priority: expected an integer from 0 to 100, got undefined',
    ]);
    expect(issuesOf(greeterMetaSchema, [])).toEqual(['expected an object, got an array']);
    expect(isGreeterMeta({ kind: 'formal', priority: 101 })).toBe(false);
  });
});
