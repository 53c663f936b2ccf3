import { describe, expect, it } from 'vitest';
import { createOutput, usageErrorWriter } from '../src/output.js';

const ANSI = '\u001b[';

function stream(isTTY: boolean): { isTTY: boolean; write: (s: string) => boolean; text: string } {
  const sink = {
    isTTY,
    text: '',
    write: (chunk: string) => {
      sink.text += chunk;
      return true;
    },
  };
  return sink;
}

describe('createOutput', () => {
  it('prints lines on out and problems on err, each styled only when it gets colors', () => {
    const out = stream(true);
    const err = stream(false);
    const output = createOutput(out, err, {});
    output.line(output.style('green', 'built'));
    output.problem(output.styleErr('red', 'error:'));
    expect(out.text).toContain(ANSI);
    expect(out.text).toContain('built');
    expect(out.text.endsWith('\n')).toBe(true);
    expect(err.text).toBe('error:\n');
    expect(output.errColors).toBe(false);
  });

  it('NO_COLOR leaves a TTY plain', () => {
    const out = stream(true);
    const output = createOutput(out, stream(true), { NO_COLOR: '1' });
    output.line(output.style('bold', 'name'));
    expect(out.text).toBe('name\n');
  });
});

describe('usageErrorWriter', () => {
  it("joins commander's suggestion into one line, and colors error: when stderr gets colors", () => {
    let written = '';
    const plain = usageErrorWriter(createOutput(stream(false), stream(false), {}));
    plain("error: unknown option '--zp'\n(Did you mean --zip?)\n", (s) => (written += s));
    expect(written).toBe("error: unknown option '--zp' (did you mean --zip?)\n");
    written = '';
    const colored = usageErrorWriter(createOutput(stream(false), stream(true), {}));
    colored("error: unknown option '--zp'\n", (s) => (written += s));
    expect(written).toContain(ANSI);
    expect(written).toContain("unknown option '--zp'");
  });
});
