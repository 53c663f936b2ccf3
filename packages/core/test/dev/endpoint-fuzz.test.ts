// Whatever a client sends the `augment dev` endpoint, the host never throws,
// answers each line or closes the connection, and keeps serving: random bytes,
// random JSON values, and requests with random fields, against a real host
// (in this process, so that the endpoint's code is measured) on a real socket.
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeFiles } from '../helpers/fixtures.js';
import { esmPlugin, inFolder } from '../helpers/plugins.js';
import { useTempHosts } from '../helpers/temp-hosts.js';
import { parseLine } from '../../src/dev/protocol.js';
import { codeFrame } from '../../src/dev/code-frame.js';
import { DevClient, readAddress } from './dev-host.js';

const temp = useTempHosts('dev-fuzz');

/** Stands for the host's token in generated requests. */
const TOKEN = '<token>';

const field = <T>(likely: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: likely, weight: 3 }, { arbitrary: fc.jsonValue(), weight: 1 });

const request = fc.record(
  {
    protocol: field(fc.constant(1)),
    token: field(fc.constantFrom(TOKEN, TOKEN.slice(1), '')),
    id: field(fc.integer()),
    type: field(fc.constantFrom('hello', 'changed', 'HELLO', 'restart')),
    plugin: field(fc.constantFrom('alpha', 'nowhere', '', 'a'.repeat(300))),
  },
  { requiredKeys: [] },
);

/** What one connection sends: raw chunks, lines of any JSON, or request lines; maybe unterminated. */
const traffic = fc.oneof(
  fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 6 }).map((chunks) => chunks),
  fc
    .array(fc.jsonValue(), { maxLength: 4 })
    .map((values) => values.map((v) => `${JSON.stringify(v)}\n`)),
  fc
    .tuple(fc.array(request, { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([requests, cut]) => {
      const text = requests.map((r) => `${JSON.stringify(r)}\n`).join('');
      return [cut ? text.slice(0, -2) : text];
    }),
);

describe('the augment dev endpoint under random input', () => {
  it('never throws, answers or closes, and keeps serving', async () => {
    await writeFiles(temp.root, inFolder('plugins/alpha', esmPlugin('alpha')));
    const host = temp.makeHost({ dev: true });
    await host.reload();
    const { address, token } = await readAddress(join(temp.root, 'plugins'));
    await fc.assert(
      fc.asyncProperty(traffic, async (chunks) => {
        const client = await DevClient.connect(address);
        for (const chunk of chunks) {
          client.write(typeof chunk === 'string' ? chunk.replaceAll(TOKEN, token) : chunk);
        }
        client.end();
        await client.closed;
        for (const line of client.unread) {
          const answer = JSON.parse(line) as Record<string, unknown>;
          expect(typeof answer['ok']).toBe('boolean');
          expect('id' in answer).toBe(true);
        }
        const check = await DevClient.connect(address);
        const hello = await check.request({ protocol: 1, token, id: 1, type: 'hello' });
        check.destroy();
        expect(hello).toMatchObject({ ok: true, plugins: ['alpha'] });
      }),
      { numRuns: 60 },
    );
    expect(host.get('alpha')).toBeDefined();
  });

  it('reads any line without throwing', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (line) => {
          const parsed = parseLine(line);
          expect(['garbage', 'message']).toContain(parsed.kind);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('finds a code frame only where a stack has one, whatever was thrown', () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const throwing = Object.defineProperty({}, 'stack', {
      get() {
        throw new Error('no');
      },
    });
    for (const value of [undefined, null, 1, 'x', revoked.proxy, throwing, new Error('plain')]) {
      expect(codeFrame(value)).toBeUndefined();
    }
    const error = new SyntaxError('Unexpected token');
    error.stack = "/p/a.cjs:3\nlet x = ;\n        ^\n\nSyntaxError: Unexpected token ';'\n    at x";
    expect(codeFrame(error)).toEqual({
      file: '/p/a.cjs',
      frame: '/p/a.cjs:3\nlet x = ;\n        ^',
    });
    // an ES module's syntax error, where Node gives one, names its file: URL
    error.stack = 'file:///p/b.mjs:1\nexport const a = ;\n                 ^\n\nSyntaxError: x';
    expect(codeFrame(error)).toEqual({
      file: '/p/b.mjs',
      frame: 'file:///p/b.mjs:1\nexport const a = ;\n                 ^',
    });
  });

  it('makes a frame from the top of a stack that threw, and from nothing else', async () => {
    const file = join(temp.root, 'thrower.js');
    await writeFiles(temp.root, { 'thrower.js': `line one\n${'x'.repeat(500)}throw here\n` });
    const error = new Error('boom');
    error.stack = `Error: boom\n    at node:internal/x:1:1\n    at thrower (${file}:2:501)\n    at ${file}:1:1`;
    const found = codeFrame(error, true);
    expect(found?.file).toBe(file);
    const [head, code, caret] = found?.frame.split('\n') ?? [];
    expect(head).toBe(`${file}:2:501`);
    expect(code?.length).toBeLessThanOrEqual(160);
    expect(code?.[caret?.indexOf('^') ?? -1]).toBe('t');
    expect(codeFrame(error, false)).toBeUndefined();
    for (const stack of [
      'Error: x\n    at file://remote-host/p.js:1:1',
      `Error: x\n    at ${join(temp.root, 'missing.js')}:1:1`,
      `Error: x\n    at ${file}:99:1`,
      `Error: x\n    at (${'('.repeat(5000)}:1:1`,
    ]) {
      error.stack = stack;
      expect(codeFrame(error, true)).toBeUndefined();
    }
  });
});
