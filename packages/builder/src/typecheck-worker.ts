// The incremental type checker that `watch()` runs in a worker thread. The
// worker is started from this function's source text (`eval: true`): the
// builder ships as single bundles, with no file of its own for a worker. So
// the function is self-contained: no reference to anything outside its body
// but Node's globals (modules come from `process.getBuiltinModule`) and the
// types erased at build time.
import type * as TS from 'typescript';
import type { TypecheckResult } from './typecheck.js';

/** What the worker is started with. */
export interface TypecheckWorkerData {
  /** The project root, holding `tsconfig.json`. */
  dir: string;
  /** The project's own TypeScript: the resolved path of its main module. */
  typescript: string;
}

/** A request for one check of the files as they are on disk now. */
export interface TypecheckRequest {
  id: number;
}

/** What the worker answers: a check's result or failure, or once, at start, that it cannot check. */
export type TypecheckReply =
  | { kind: 'result'; id: number; result: TypecheckResult }
  | { kind: 'error'; id: number; message: string }
  | { kind: 'unsupported'; message: string };

/**
 * The worker's body. Loads the project's TypeScript once, then answers each
 * {@link TypecheckRequest} with what `tsc --noEmit -p <dir> --pretty true`
 * would report, from a semantic-diagnostics builder program built over the
 * previous one: unchanged files keep their parsed source and their
 * diagnostics, only what an edit can affect is checked again.
 */
export function typecheckWorker(): void {
  const threads = process.getBuiltinModule('node:worker_threads');
  const { createRequire } = process.getBuiltinModule('node:module');
  const path = process.getBuiltinModule('node:path');
  const port = threads.parentPort;
  if (port === null) return;
  const reply = (message: TypecheckReply): void => {
    port.postMessage(message);
  };
  const { dir, typescript } = threads.workerData as TypecheckWorkerData;

  // Below normal priority, on Linux where a thread has its own (its id in
  // /proc/thread-self): on a busy machine the check yields the cores to the
  // rebuild and to the host loading the new bundle. Elsewhere it stays normal.
  try {
    const os = process.getBuiltinModule('node:os');
    const fs = process.getBuiltinModule('node:fs');
    const thread = Number(fs.readlinkSync('/proc/thread-self').split('/').at(-1));
    if (Number.isInteger(thread) && thread > 0 && thread !== process.pid) {
      os.setPriority(thread, os.constants.priority.PRIORITY_BELOW_NORMAL);
    }
  } catch {
    // no /proc, or not allowed: normal priority
  }

  let loaded: unknown;
  try {
    loaded = createRequire(typescript)(typescript);
  } catch (error) {
    reply({ kind: 'unsupported', message: String(error) });
    return;
  }
  const api = ['createSemanticDiagnosticsBuilderProgram', 'getParsedCommandLineOfConfigFile'];
  if (!api.every((name) => typeof Reflect.get(Object(loaded), name) === 'function')) {
    reply({ kind: 'unsupported', message: `${typescript} has no builder API` });
    return;
  }
  const ts = loaded as typeof TS;
  const configFile = path.join(dir, 'tsconfig.json');
  const formatHost: TS.FormatDiagnosticsHost = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => dir,
    getNewLine: () => ts.sys.newLine,
  };

  /** Parsed files by name and parse settings, reused while their text is unchanged. */
  const files = new Map<string, { text: string; stamp: string; file: TS.SourceFile }>();
  let versions = 0;
  let previous: TS.SemanticDiagnosticsBuilderProgram | undefined;
  const fs = process.getBuiltinModule('node:fs');
  /**
   * Size and mtime of an installed file (a package's or TypeScript's own
   * `lib.*.d.ts`): enough to tell that it changed, and cheaper than reading
   * it; the project's own files are compared by content.
   */
  const stampOf = (fileName: string): string => {
    if (!fileName.includes('/node_modules/')) return '';
    const stats = fs.statSync(fileName, { throwIfNoEntry: false });
    return stats === undefined ? '' : `${stats.size}:${stats.mtimeMs}`;
  };

  const getSourceFile: TS.CompilerHost['getSourceFile'] = (fileName, settings) => {
    const key =
      typeof settings === 'object'
        ? `${fileName}|${settings.languageVersion}|${settings.impliedNodeFormat ?? ''}|${settings.jsDocParsingMode ?? ''}`
        : `${fileName}|${settings}`;
    const cached = files.get(key);
    const stamp = stampOf(fileName);
    if (stamp !== '' && cached?.stamp === stamp) return cached.file;
    const text = ts.sys.readFile(fileName);
    if (text === undefined) return undefined;
    if (cached?.text === text) return cached.file;
    const file = ts.createSourceFile(fileName, text, settings);
    // the builder tells changed files by this version
    versions += 1;
    Reflect.set(file, 'version', String(versions));
    files.set(key, { text, stamp, file });
    return file;
  };

  const toResult = (problems: readonly TS.Diagnostic[]): TypecheckResult => {
    if (problems.length === 0) return { status: 'passed', diagnostics: [], formatted: [] };
    const diagnostics = problems.map((problem) => {
      const category = ts.DiagnosticCategory[problem.category].toLowerCase();
      const message = ts
        .flattenDiagnosticMessageText(problem.messageText, '\n')
        .split('\n')
        .map((line) => line.trim())
        .join(' ');
      const what = `${category} TS${problem.code}: ${message}`;
      if (problem.file === undefined || problem.start === undefined) return what;
      const { line, character } = problem.file.getLineAndCharacterOfPosition(problem.start);
      const file = path.relative(dir, problem.file.fileName).split(path.sep).join('/');
      return `${file}:${line + 1}:${character + 1} - ${what}`;
    });
    const formatted = problems.map((problem) =>
      ts.formatDiagnosticsWithColorAndContext([problem], formatHost).trimEnd(),
    );
    return { status: 'failed', diagnostics, formatted };
  };

  const check = (): TypecheckResult => {
    const problems: TS.Diagnostic[] = [];
    const parsed = ts.getParsedCommandLineOfConfigFile(
      configFile,
      { noEmit: true },
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => problems.push(diagnostic),
      },
    );
    if (parsed === undefined) return toResult(problems);
    const host = ts.createCompilerHost(parsed.options);
    host.getSourceFile = getSourceFile;
    host.getCurrentDirectory = () => dir;
    if (ts.sys.createHash !== undefined) host.createHash = ts.sys.createHash.bind(ts.sys);
    const builder = ts.createSemanticDiagnosticsBuilderProgram(
      parsed.fileNames,
      parsed.options,
      host,
      previous,
      ts.getConfigFileParsingDiagnostics(parsed),
      parsed.projectReferences,
    );
    previous = builder;
    // what tsc reports, in its order: a later kind only when the earlier ones found nothing
    problems.push(...builder.getConfigFileParsingDiagnostics());
    const before = problems.length;
    problems.push(...builder.getSyntacticDiagnostics());
    if (problems.length === before) {
      problems.push(...builder.getOptionsDiagnostics(), ...builder.getGlobalDiagnostics());
      if (problems.length === before) problems.push(...builder.getSemanticDiagnostics());
    }
    return toResult(ts.sortAndDeduplicateDiagnostics(problems));
  };

  port.on('message', (request: TypecheckRequest) => {
    try {
      reply({ kind: 'result', id: request.id, result: check() });
    } catch (error) {
      previous = undefined;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      reply({ kind: 'error', id: request.id, message });
    }
  });
}
