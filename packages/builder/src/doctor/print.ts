// How `augment doctor` shows its report: one line per check, the findings
// with what to do, a summary. `--json` prints the report itself.
import { plural, type Output } from '../output.js';
import { DOCTOR_FINDING_CODES } from './codes.js';
import type { DoctorReport } from './doctor.js';
import { formatKb, type DoctorFinding } from './findings.js';
import { MIN_HEAP_ROUNDS } from './heap.js';

type CheckStatus = 'passed' | 'failed' | 'skipped';

interface CheckLine {
  readonly status: CheckStatus;
  readonly text: string;
}

const { LOAD_FAILED, RELOAD_FAILED, RESOURCE_LEFT, SLOW_UNLOAD, UNLOAD_FAILED, HEAP_GROWTH } =
  DOCTOR_FINDING_CODES;

function has(report: DoctorReport, ...codes: string[]): boolean {
  return report.findings.some((finding) => codes.includes(finding.code));
}

/** The check lines, in the order doctor runs them. */
function checkLines(report: DoctorReport): CheckLine[] {
  const { measurements: m } = report;
  const status = (failed: boolean): CheckStatus => (failed ? 'failed' : 'passed');
  const loaded = has(report, LOAD_FAILED, RELOAD_FAILED);
  const lines: CheckLine[] = [
    {
      status: status(loaded),
      text: loaded
        ? 'load and reload'
        : `loads and reloads: ${plural(m.roundsRun, 'round')}, and a second instance beside the first`,
    },
    {
      status: status(has(report, RESOURCE_LEFT)),
      text:
        m.resourcesLeft === 0 && !has(report, RESOURCE_LEFT)
          ? 'resources: nothing left open after unload (timers, servers, sockets, processes, watchers)'
          : `resources: ${plural(m.resourcesLeft, 'resource')} left open after unload`,
    },
  ];
  if (m.unload === null) {
    lines.push({ status: 'skipped', text: 'onUnload: none in the host options (pass --setup)' });
  } else {
    lines.push({
      status: status(has(report, SLOW_UNLOAD, UNLOAD_FAILED)),
      text: `onUnload: slowest ${Math.round(m.unload.slowestMs)} ms, median ${Math.round(m.unload.medianMs)} ms (limit ${m.unload.limitMs} ms)`,
    });
  }
  if (m.heap === null) {
    lines.push({
      status: 'skipped',
      text: `heap: not measured (needs ${MIN_HEAP_ROUNDS} rounds or more)`,
    });
  } else {
    lines.push({
      status: status(has(report, HEAP_GROWTH)),
      text: `heap: the plugin keeps ${formatKb(Math.max(0, m.heap.retainedKbPerRound))} per reload (limit ${formatKb(m.heap.limitKb)})`,
    });
  }
  return lines;
}

/** How the heap number is made, under its check line. */
function heapExplanation(report: DoctorReport): string[] {
  const heap = report.measurements.heap;
  if (heap === null) return [];
  return [
    `  ${formatKb(heap.hostKbPerRound)} per round through the host, minus ${formatKb(heap.bareKbPerRound)} per bare import of the same file`,
    `  (what Node keeps of every import: an ES module is never freed), fitted over rounds ${heap.warmupRounds + 1}–${report.measurements.roundsRun}`,
  ];
}

function mark(output: Output, status: CheckStatus): string {
  if (status === 'passed') return output.style('green', '✓');
  if (status === 'failed') return output.style('red', '✗');
  return output.style('dim', '–');
}

function findingLines(output: Output, finding: DoctorFinding): string[] {
  return [
    `${output.style('red', '✗')} ${finding.message} ${output.style('dim', `[${finding.code}]`)}`,
    `  ${output.style('cyan', 'fix:')} ${finding.advice}`,
  ];
}

/**
 * Prints the report for people: a title, the check lines, each finding with
 * its fix, then a summary.
 */
export function printReport(output: Output, report: DoctorReport, title: string): void {
  output.line(title);
  for (const check of checkLines(report)) {
    output.line(`${mark(output, check.status)} ${check.text}`);
    if (check.text.startsWith('heap:'))
      for (const line of heapExplanation(report)) output.line(output.style('dim', line));
  }
  if (report.findings.length > 0) output.line('');
  for (const finding of report.findings) {
    for (const line of findingLines(output, finding)) output.line(line);
  }
  output.line('');
  output.line(
    report.ok
      ? `${output.style('green', 'ok:')} ${report.plugin.name} unloads cleanly`
      : `${output.style('red', `${plural(report.findings.length, 'problem')}:`)} fix ${report.findings.length === 1 ? 'it' : 'them'}, run augment build, then augment doctor again`,
  );
}
