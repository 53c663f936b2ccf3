// Small statistics helpers: medians, spreads and ratios of interleaved samples.

/**
 * The q-quantile of `values` (linear interpolation between closest ranks).
 *
 * @param {readonly number[]} values
 * @param {number} q - between 0 and 1
 * @returns {number}
 */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

/**
 * @param {readonly number[]} values
 * @returns {number}
 */
export const median = (values) => quantile(values, 0.5);

/**
 * Median and spread of a sample: the interquartile range, and min and max.
 *
 * @param {readonly number[]} values
 * @returns {{ median: number, p25: number, p75: number, min: number, max: number, n: number }}
 */
export function summary(values) {
  return {
    median: median(values),
    p25: quantile(values, 0.25),
    p75: quantile(values, 0.75),
    min: Math.min(...values),
    max: Math.max(...values),
    n: values.length,
  };
}

/**
 * Ratios of paired samples (`a[i] / b[i]`): measured side by side, so a
 * machine that slows down for a while slows both sides of a pair.
 *
 * @param {readonly number[]} a
 * @param {readonly number[]} b
 * @returns {number[]}
 */
export function pairRatios(a, b) {
  const count = Math.min(a.length, b.length);
  const ratios = [];
  for (let i = 0; i < count; i += 1) ratios.push(a[i] / b[i]);
  return ratios;
}

/**
 * Half the interquartile range relative to the median, in percent: "± x %".
 *
 * @param {{ median: number, p25: number, p75: number }} s
 * @returns {number}
 */
export const relativeSpread = (s) => (s.median === 0 ? 0 : ((s.p75 - s.p25) / 2 / s.median) * 100);
