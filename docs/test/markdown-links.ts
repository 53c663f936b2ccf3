/**
 * Reading the links, headings and tables of a Markdown document outside its
 * fenced code blocks, so that a test can check that every relative link of
 * the docs reaches a file and a heading, and read the README's option table.
 */

/** One inline link `[text](target)`. */
export interface MarkdownLink {
  /** The target as written, such as `../docs/archives.md#the-cache`. */
  readonly target: string;
  /** 1-based line of the link. */
  readonly line: number;
}

const FENCE = /^\s*(`{3,}|~{3,})/u;
const LINK = /\]\(([^()\s]+)\)/gu;
const HEADING = /^#{1,6}\s+(.+?)\s*#*\s*$/u;

/** The lines of `markdown` outside fenced code blocks, each with its 1-based number. */
function proseLines(markdown: string): [line: string, number: number][] {
  const out: [string, number][] = [];
  let fence: string | undefined;
  markdown.split(/\r?\n/u).forEach((line, index) => {
    const marker = FENCE.exec(line)?.[1];
    if (fence === undefined) {
      if (marker === undefined) out.push([line, index + 1]);
      else fence = marker;
    } else if (isClosing(line.trim(), fence)) {
      fence = undefined;
    }
  });
  return out;
}

/** Whether `line` closes a block opened by `fence`: the same character, at least as many, alone. */
function isClosing(line: string, fence: string): boolean {
  return line.length >= fence.length && line === (fence[0] ?? '`').repeat(line.length);
}

/**
 * Every inline link of `markdown` outside code blocks and inline code.
 *
 * @param markdown - the document
 */
export function readLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const [text, line] of proseLines(markdown)) {
    const prose = text.replace(/`[^`]*`/gu, '``');
    for (const match of prose.matchAll(LINK)) links.push({ target: match[1] ?? '', line });
  }
  return links;
}

/**
 * The anchor GitHub gives a heading: lower case, inline-code backticks and
 * punctuation dropped, spaces turned into `-`.
 *
 * @param heading - the heading's text, without the leading `#`s
 */
export function slugOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/gu, '-');
}

/**
 * The anchors of every heading of `markdown`, a repeated one numbered as
 * GitHub numbers it (`-1`, `-2`…).
 *
 * @param markdown - the document
 */
export function readAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const [line] of proseLines(markdown)) {
    const heading = HEADING.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = slugOf(heading);
    let anchor = slug;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${slug}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/**
 * The cells of each row of the first table after the heading `heading`
 * (header and separator rows left out), before the next heading.
 *
 * @param markdown - the document
 * @param heading - the heading's text, such as `Options`
 * @throws when there is no such heading, or no table under it
 */
export function readTable(markdown: string, heading: string): string[][] {
  const lines = proseLines(markdown).map(([line]) => line);
  const start = lines.findIndex((line) => HEADING.exec(line)?.[1] === heading);
  if (start === -1) throw new Error(`No heading "${heading}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (HEADING.test(line)) break;
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(splitRow(line));
  }
  if (rows.length < 2) throw new Error(`No table under "${heading}"`);
  return rows.slice(2);
}

/** The cells of one table row; `\|` inside a cell is a literal bar. */
function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/gu, '')
    .split(/(?<!\\)\|/u)
    .map((cell) => cell.trim().replaceAll('\\|', '|'));
}
