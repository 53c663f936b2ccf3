import { afterEach, describe, expect, it } from 'vitest';
import { colorsEnabled, setColorFlag } from '../src/colors.js';

const tty = { isTTY: true, write: () => true };
const pipe = { write: () => true };

afterEach(() => {
  setColorFlag([]);
});

describe('colorsEnabled', () => {
  it('colors a TTY only, unless NO_COLOR has a non-empty value', () => {
    expect(colorsEnabled(tty, {})).toBe(true);
    expect(colorsEnabled(tty, { NO_COLOR: '' })).toBe(true);
    expect(colorsEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorsEnabled(pipe, {})).toBe(false);
  });

  it('FORCE_COLOR other than 0 or false turns colors on, above NO_COLOR', () => {
    expect(colorsEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorsEnabled(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(colorsEnabled(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(colorsEnabled(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorsEnabled(tty, { FORCE_COLOR: 'false' })).toBe(false);
  });

  it('the flag wins over the environment and the TTY', () => {
    expect(colorsEnabled(pipe, { NO_COLOR: '1' }, true)).toBe(true);
    expect(colorsEnabled(tty, { FORCE_COLOR: '1' }, false)).toBe(false);
  });
});

describe('setColorFlag', () => {
  it('takes the last of --color and --no-color, and nothing after --', () => {
    expect(setColorFlag(['build'])).toBeUndefined();
    expect(setColorFlag(['--color', 'build', '--no-color'])).toBe(false);
    expect(setColorFlag(['--no-color', '--color'])).toBe(true);
    expect(setColorFlag(['--color', '--', '--no-color'])).toBe(true);
  });

  it('is what colorsEnabled uses when no flag is passed', () => {
    setColorFlag(['--color']);
    expect(colorsEnabled(pipe, {})).toBe(true);
    setColorFlag(['--no-color']);
    expect(colorsEnabled(tty, { FORCE_COLOR: '1' })).toBe(false);
  });
});
