import { AugmentError } from '@augment/core';
import { describe, expect, it } from 'vitest';
import { createOutput } from '../src/output.js';
import { errorDetails, printError } from '../src/print-error.js';

/** An Output whose stderr is collected (no colors). */
function capture(): { output: ReturnType<typeof createOutput>; err: () => string } {
  let text = '';
  const sink = { write: (chunk: string) => (text += chunk) };
  return { output: createOutput(sink, sink, {}), err: () => text };
}

describe('printError', () => {
  it('prints an AugmentError as error: and its message, without a stack', () => {
    const { output, err } = capture();
    const error = new AugmentError('AUG_MANIFEST_INVALID', 'Plugin "a": bad manifest. Fix it.');
    printError(output, error, { packageName: '@augment/x' });
    expect(err()).toBe('error: Plugin "a": bad manifest. Fix it.\n');
  });

  it('hands an AugmentError to printAugmentError, with the label', () => {
    const { output, err } = capture();
    const error = new AugmentError('AUG_MANIFEST_INVALID', 'bad');
    printError(output, error, {
      packageName: '@augment/x',
      printAugmentError: (caught, label) => {
        output.problem(`${label} [${caught.code}]`);
      },
    });
    expect(err()).toBe('error: [AUG_MANIFEST_INVALID]\n');
  });

  it('prints anything else as a bug: the stack, then "please report" naming the package', () => {
    const { output, err } = capture();
    printError(output, new TypeError('x is undefined'), { packageName: '@augment/x' });
    expect(err()).toMatch(/^error: TypeError: x is undefined\n\s+at /u);
    expect(err()).toContain('This is a bug in @augment/x; please report it');
    const thrown = capture();
    printError(thrown.output, 'a string', { packageName: '@augment/y' });
    expect(thrown.err()).toContain('error: a string\n');
    expect(thrown.err()).toContain('bug in @augment/y');
  });
});

describe('errorDetails', () => {
  it('reads the string lines of `details`, and none from anything else', () => {
    expect(errorDetails({ details: ['a:1:2: x', 3, 'b'] })).toEqual(['a:1:2: x', 'b']);
    expect(errorDetails(new Error('no details'))).toEqual([]);
    expect(errorDetails(undefined)).toEqual([]);
  });
});
