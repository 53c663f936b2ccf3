/**
 * Reading the fenced code blocks of a Markdown guide: the shell commands of
 * its ```sh blocks, and the files of its blocks that carry a title
 * (```ts title="src/index.ts"), so that a test can run the one and write the
 * other exactly as a reader would.
 */

/** One fenced code block. */
export interface CodeBlock {
  /** The first word of the info string (`sh`, `ts`, `json`), or `''`. */
  readonly lang: string;
  /** The `title="…"` of the info string, if any. */
  readonly title: string | undefined;
  /** The text between the fences, ending with a newline. */
  readonly text: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/u;
const TITLE = /\btitle="([^"]+)"/u;

/**
 * Every fenced code block of `markdown`, in order.
 *
 * @param markdown - the document
 * @throws when a block is not closed
 */
export function readCodeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/u);
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (open === null) continue;
    const [, indent = '', fence = '', info = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (line.trim().startsWith(fence) && line.trim().replaceAll(fence[0] ?? '`', '') === '')
        break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line);
    }
    if (j === lines.length)
      throw new Error(`The code block opened on line ${i + 1} is not closed.`);
    blocks.push({
      lang: info.trim().split(/\s+/u)[0] ?? '',
      title: TITLE.exec(info)?.[1],
      text: body.length === 0 ? '' : `${body.join('\n')}\n`,
      line: i + 1,
    });
    i = j;
  }
  return blocks;
}

/** One command of a ```sh block. */
export interface ShellCommand {
  /** The command, with line continuations joined and a trailing `# comment` removed. */
  readonly command: string;
  /** 1-based line of the guide where it starts. */
  readonly line: number;
}

/**
 * The commands of every ```sh block, in order: one per line, `\` continuations
 * joined, blank lines and `#` comment lines skipped, a trailing ` # comment`
 * removed.
 *
 * @param markdown - the document
 */
export function readShellCommands(markdown: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  for (const block of readCodeBlocks(markdown)) {
    if (block.lang !== 'sh') continue;
    const lines = block.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const start = i;
      let text = lines[i] ?? '';
      while (text.endsWith('\\') && i + 1 < lines.length) {
        text = `${text.slice(0, -1).trimEnd()} ${(lines[++i] ?? '').trim()}`;
      }
      const command = text.replace(/\s+#\s.*$/u, '').trim();
      if (command === '' || command.startsWith('#')) continue;
      commands.push({ command, line: block.line + 1 + start });
    }
  }
  return commands;
}

/**
 * The blocks that carry a `title="…"`, by title.
 *
 * @param markdown - the document
 * @throws when two blocks have the same title
 */
export function readTitledBlocks(markdown: string): Map<string, CodeBlock> {
  const titled = new Map<string, CodeBlock>();
  for (const block of readCodeBlocks(markdown)) {
    if (block.title === undefined) continue;
    const before = titled.get(block.title);
    if (before !== undefined) {
      throw new Error(
        `Two code blocks are titled "${block.title}" (lines ${before.line} and ${block.line}): titles name one file each.`,
      );
    }
    titled.set(block.title, block);
  }
  return titled;
}
