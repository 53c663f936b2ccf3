import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { requireProject } from '../find-project.js';
import { createOutput, displayPath } from '../output.js';
import { startProgress } from '../terminal/progress.js';
import { printProject } from './build.js';

/** The defaults of `augment doctor`'s flags (measured: see the builder README). */
export const DOCTOR_DEFAULTS = { rounds: 20, unloadMs: 1000, heapKb: 256 } as const;

function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/u.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

interface DoctorFlags {
  rounds: number;
  setup?: string;
  json?: boolean;
  unloadMs: number;
  heapKb: number;
}

/** `augment doctor [dir]`: loads, unloads and reloads the built plugin, and says what it leaves behind. */
export function doctorCommand(): Command {
  return new Command('doctor')
    .summary(
      'Load, unload and reload the built plugin in a throwaway host; report what it leaves behind.',
    )
    .description(
      'Load, unload and reload the built plugin (dist/) many times in a throwaway host, and report what it leaves behind: open timers, servers and sockets, heap kept per reload, a slow onUnload, a plugin that cannot load twice.',
    )
    .argument('[dir]', 'the plugin project (default: the nearest project from here upwards)')
    .addOption(
      new Option('--rounds <n>', 'load, unload and reload rounds')
        .default(DOCTOR_DEFAULTS.rounds)
        .argParser(integer(1, 1000)),
    )
    .option(
      '--setup <module>',
      "a JavaScript module exporting the host's PluginHost options (validator, onLoad, onUnload…)",
    )
    .option('--json', 'print one JSON report on stdout (for CI)')
    .addOption(
      new Option('--unload-ms <ms>', 'the slowest onUnload allowed, in ms')
        .default(DOCTOR_DEFAULTS.unloadMs)
        .argParser(integer(1, 2_147_483_647)),
    )
    .addOption(
      new Option('--heap-kb <kb>', 'the heap the plugin may keep per reload, in KB')
        .default(DOCTOR_DEFAULTS.heapKb)
        .argParser(integer(0, 10_000_000)),
    )
    .addHelpText(
      'after',
      `
Run augment build first: doctor runs dist/. Exit 0 when it found nothing,
1 when it found a problem (each one named, with what to do), 2 for a usage error.

Examples:
  $ augment doctor
  $ augment doctor --setup doctor.setup.mjs
  $ augment doctor --json > doctor.json`,
    )
    .action(async (given: string | undefined, flags: DoctorFlags) => {
      const output = createOutput();
      const project = await requireProject(given);
      if (flags.json !== true) printProject(output, project);
      const { doctor } = await import('../doctor/doctor.js');
      // on a terminal only: 20 rounds of a large bundle take seconds
      let progress = startProgress(process.stderr, `round 1/${flags.rounds}: through the host…`);
      const onRound = (round: number, mode: 'host' | 'bare'): void => {
        progress.stop();
        const what = mode === 'host' ? 'through the host' : 'bare imports, for the heap baseline';
        const next =
          round < flags.rounds
            ? `round ${round + 1}/${flags.rounds}: ${what}…`
            : 'checking what is still open…';
        progress = startProgress(process.stderr, next);
      };
      let report: Awaited<ReturnType<typeof doctor>>;
      try {
        report = await doctor(
          {
            dir: project.dir,
            rounds: flags.rounds,
            setup: flags.setup === undefined ? undefined : resolve(flags.setup),
            unloadMs: flags.unloadMs,
            heapKb: flags.heapKb,
            cwd: process.cwd(),
          },
          onRound,
        );
      } finally {
        progress.stop();
      }
      if (flags.json === true) {
        output.line(JSON.stringify(report, null, 2));
      } else {
        const { printReport } = await import('../doctor/print.js');
        const { name, version, format } = report.plugin;
        const setup =
          flags.setup === undefined
            ? 'a plain host'
            : `host options from ${displayPath(resolve(flags.setup))}`;
        printReport(
          output,
          report,
          `doctor: ${name}@${version} (${format}), ${report.rounds} rounds, ${setup}`,
        );
      }
      if (!report.ok) process.exitCode = 1;
    });
}
