// Formats results: Markdown tables for RESULTS.md and a hand-written SVG chart.
import { relativeSpread } from './stats.mjs';

/** @typedef {import('./stats.mjs').summary} SummaryFn */
/** @typedef {ReturnType<SummaryFn>} Summary */

/**
 * @typedef {object} Check
 * @property {string} name - what is judged
 * @property {string} target - e.g. `≤ 1.15`
 * @property {string} value - the measured value, formatted
 * @property {boolean | null} pass - null: reported only, or skipped
 * @property {string} [group] - misses of one group share one explanation (the group's title)
 * @property {string} [why] - what the profile shows and what to change, printed when missed
 * @property {import('./profile.mjs').ProfileRecipe} [profile] - how to profile a miss
 */

/**
 * @typedef {object} Section
 * @property {string} id - anchor
 * @property {string} title
 * @property {string[]} intro - paragraphs before the tables
 * @property {{ columns: string[], rows: string[][] }[]} tables
 * @property {string[]} notes - paragraphs after the tables
 * @property {Check[]} checks - the targets, for the summary
 */

/**
 * A number with about three significant digits.
 *
 * @param {number} value
 * @returns {string}
 */
export function num(value) {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/**
 * `12.3 ms ±4%`: the median and half the interquartile range.
 *
 * @param {Summary} s
 * @param {string} [unit]
 * @returns {string}
 */
export function withSpread(s, unit = 'ms') {
  if (s.n <= 1) return `${num(s.median)} ${unit}`;
  return `${num(s.median)} ${unit} ±${relativeSpread(s).toFixed(0)}%`;
}

/**
 * `1.08 (1.05–1.11)`: the median ratio and its interquartile range.
 *
 * @param {Summary} s
 * @returns {string}
 */
export function ratioText(s) {
  if (s.n <= 1) return s.median.toFixed(2);
  return `${s.median.toFixed(2)} (${s.p25.toFixed(2)}–${s.p75.toFixed(2)})`;
}

/**
 * @param {boolean | null} pass
 * @returns {string}
 */
export const verdict = (pass) => (pass === null ? '—' : pass ? 'pass' : '**FAIL**');

/**
 * A byte count in KB or MB (1 KB = 1,000 bytes).
 *
 * @param {number} bytes
 * @returns {string}
 */
export function bytesText(bytes) {
  const abs = Math.abs(bytes);
  if (abs >= 1e6) return `${num(bytes / 1e6)} MB`;
  if (abs >= 1e3) return `${num(bytes / 1e3)} KB`;
  return `${Math.round(bytes)} B`;
}

/**
 * @param {{ columns: string[], rows: string[][] }} table
 * @returns {string}
 */
export function markdownTable({ columns, rows }) {
  const escape = (/** @type {string} */ cell) => cell.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [
    `| ${columns.map(escape).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/**
 * @param {Section} section
 * @returns {string}
 */
export function sectionMarkdown(section) {
  const parts = [`## ${section.title}`, ...section.intro];
  for (const table of section.tables) parts.push(markdownTable(table));
  parts.push(...section.notes);
  return parts.join('\n\n');
}

/**
 * @typedef {object} Series
 * @property {string} label
 * @property {string} color
 * @property {boolean} [dashed]
 * @property {{ x: number, y: number }[]} points
 */

/**
 * A line chart with a logarithmic x axis, written by hand.
 *
 * @param {{ title: string, xLabel: string, yLabel: string, series: Series[] }} chart
 * @returns {string} the SVG document
 */
export function lineChartSvg({ title, xLabel, yLabel, series }) {
  const width = 720;
  const height = 420;
  const margin = { left: 70, right: 190, top: 62, bottom: 55 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const xMin = Math.log10(Math.min(...xs));
  const xMax = Math.log10(Math.max(...xs));
  // Both axes are logarithmic: fixed costs make the smallest N's time per plugin
  // several times the rest, which a linear axis would squash into one line.
  const yMin = niceFloor(Math.min(...ys) / 1.1);
  const yMax = niceCeil(Math.max(...ys) * 1.1);
  const sx = (/** @type {number} */ x) =>
    margin.left + (xMax === xMin ? plotW / 2 : ((Math.log10(x) - xMin) / (xMax - xMin)) * plotW);
  const sy = (/** @type {number} */ y) =>
    margin.top +
    plotH -
    ((Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * plotH;
  const esc = (/** @type {string} */ text) =>
    text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left - 8}" y="24" font-size="15" font-weight="600" fill="#111">${esc(title)}</text>`,
  ];
  for (const value of logTicks(yMin, yMax)) {
    const y = sy(value).toFixed(1);
    out.push(
      `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${num(value)}</text>`,
    );
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    const px = sx(x).toFixed(1);
    out.push(
      `<line x1="${px}" x2="${px}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#f0f0f0"/>`,
      `<text x="${px}" y="${margin.top + plotH + 18}" text-anchor="middle" fill="#444">${x}</text>`,
    );
  }
  out.push(
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#888"/>`,
    `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${margin.top + plotH}" y2="${margin.top + plotH}" stroke="#888"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 12}" text-anchor="middle" fill="#222">${esc(xLabel)}</text>`,
    `<text x="${margin.left - 8}" y="${margin.top - 22}" text-anchor="start" fill="#222">${esc(yLabel)}</text>`,
  );
  series.forEach((s, index) => {
    const points = [...s.points].sort((a, b) => a.x - b.x);
    const path = points
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)} ${sy(p.y).toFixed(1)}`)
      .join(' ');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    for (const p of points) {
      out.push(
        `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3" fill="${s.color}"/>`,
      );
    }
    const ly = margin.top + 10 + index * 22;
    const lx = margin.left + plotW + 20;
    out.push(
      `<line x1="${lx}" x2="${lx + 28}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 36}" y="${ly}" dominant-baseline="middle" fill="#222">${esc(s.label)}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}

/**
 * The largest 1, 2 or 5 times a power of ten that is at most `value`.
 *
 * @param {number} value
 * @returns {number}
 */
function niceFloor(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [5, 2, 1]) if (step * power <= value) return step * power;
  return power;
}

/**
 * Ticks at 1, 2 and 5 times each power of ten from `min` to `max`.
 *
 * @param {number} min
 * @param {number} max
 * @returns {number[]}
 */
function logTicks(min, max) {
  const ticks = [];
  for (let power = 10 ** Math.floor(Math.log10(min)); power <= max; power *= 10) {
    for (const step of [1, 2, 5]) {
      const value = step * power;
      if (value >= min * 0.999 && value <= max * 1.001) ticks.push(Number(value.toPrecision(6)));
    }
  }
  return ticks;
}

/**
 * The smallest 1, 2 or 5 times a power of ten that is at least `value`.
 *
 * @param {number} value
 * @returns {number}
 */
function niceCeil(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
