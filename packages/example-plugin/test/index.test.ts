import { isGreeter } from '@augment/example-host-types';
import { describe, expect, it } from 'vitest';
import greeter from '../src/index.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('example-plugin', () => {
  it('exports what the host validates', () => {
    expect(isGreeter(greeter)).toBe(true);
  });

  it('greets a first-time visitor', () => {
    expect(greeter.greet({ name: 'Ada', visits: 1 })).toBe('Hi Ada, nice to meet you!');
  });

  it('tells a returning visitor how long they were away, in words', () => {
    expect(greeter.greet({ name: 'Grace', visits: 7, sinceLastVisitMs: 3 * DAY_MS })).toBe(
      'Welcome back, Grace! Your last visit was 3 days ago.',
    );
    expect(greeter.greet({ name: 'Grace', visits: 2, sinceLastVisitMs: 90 * 60 * 1000 })).toBe(
      'Welcome back, Grace! Your last visit was 2 hours ago.',
    );
  });
});
