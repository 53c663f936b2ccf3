import { describe, expect, it } from 'vitest';
import { readCodeBlocks, readShellCommands, readTitledBlocks } from './guide-blocks.js';

const DOC = [
  '# Title',
  '',
  '```sh',
  'npm install',
  '',
  '# a comment line',
  'npm run build   # a trailing comment',
  'npm pkg set a=1 \\',
  '  b=2',
  '```',
  '',
  '```json title="plugin.manifest.json"',
  '{ "name": "x" }',
  '```',
  '',
  '- a list item:',
  '',
  '  ```sh',
  '  node host.js',
  '  ```',
  '',
  '````md',
  '```sh',
  'not a command: inside another block',
  '```',
  '````',
].join('\n');

describe('readCodeBlocks', () => {
  it('reads each block with its language, title and text', () => {
    const blocks = readCodeBlocks(DOC);
    expect(blocks.map((b) => [b.lang, b.title, b.line])).toEqual([
      ['sh', undefined, 3],
      ['json', 'plugin.manifest.json', 12],
      ['sh', undefined, 18],
      ['md', undefined, 22],
    ]);
    expect(blocks[1]?.text).toBe('{ "name": "x" }\n');
    expect(blocks[2]?.text).toBe('node host.js\n');
  });

  it('refuses a block that is not closed', () => {
    expect(() => readCodeBlocks('```sh\nnpm test\n')).toThrow(/line 1 is not closed/u);
  });
});

describe('readShellCommands', () => {
  it('lists the commands of sh blocks, without comments, continuations joined', () => {
    expect(readShellCommands(DOC)).toEqual([
      { command: 'npm install', line: 4 },
      { command: 'npm run build', line: 7 },
      { command: 'npm pkg set a=1 b=2', line: 8 },
      { command: 'node host.js', line: 19 },
    ]);
  });
});

describe('readTitledBlocks', () => {
  it('maps titles to blocks', () => {
    expect([...readTitledBlocks(DOC).keys()]).toEqual(['plugin.manifest.json']);
  });

  it('refuses two blocks with one title', () => {
    const twice = '```ts title="a.ts"\n1\n```\n\n```ts title="a.ts"\n2\n```\n';
    expect(() => readTitledBlocks(twice)).toThrow(/Two code blocks are titled "a.ts"/u);
  });
});
