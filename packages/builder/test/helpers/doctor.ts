// Plugins for the tests of `augment doctor`: each built with the real
// builder into a temp folder, and the setup module that gives them a
// lifecycle (onLoad calls start(), onUnload calls dispose()).
import { join } from 'node:path';
import { build } from '../../src/index.js';
import { PEER_DEP, createProject, writeFiles } from './project.js';

/** A plugin's source: `start()` and `dispose()` bodies, and code at the top of the module. */
export interface DoctorPluginSpec {
  readonly top?: string;
  readonly start?: string;
  readonly dispose?: string;
}

/**
 * The source of a plugin. Line 1 is `import`s, the `top` code starts on
 * line 3; `start`'s body starts on line {@link startLine} when `top` is one line.
 */
export function pluginSource(spec: DoctorPluginSpec): string {
  return [
    "import { createServer } from 'node:net';",
    'declare global { var __doctorLeak: number[][] | undefined; var __doctorLoaded: boolean | undefined }',
    spec.top ?? '// nothing at the top',
    'export default {',
    '  greet: (who: string): string => `hello ${who}`,',
    '  start(): void {',
    `    ${spec.start ?? '// nothing to start'}`,
    '  },',
    '  dispose(): Promise<void> | void {',
    `    ${spec.dispose ?? '// nothing to stop'}`,
    '  },',
    '  server: createServer,',
    '};',
    '',
  ].join('\n');
}

/** The line of `start()`'s body in {@link pluginSource}. */
export const START_LINE = 7;

/**
 * Writes and builds (no type check) a plugin project named `name` below `root`;
 * with `peerDependencies` in `packageJson`, the peer package `host-api` is
 * installed in its node_modules.
 *
 * @returns the project folder
 */
export async function buildDoctorPlugin(
  root: string,
  name: string,
  spec: DoctorPluginSpec,
  format: 'esm' | 'cjs' = 'esm',
  packageJson: Record<string, unknown> = {},
): Promise<string> {
  const dir = join(root, name);
  const peers = 'peerDependencies' in packageJson ? PEER_DEP : {};
  await createProject(dir, {
    name,
    version: '1.0.0',
    index: pluginSource(spec),
    packageJson,
    files: peers,
  });
  await build({ dir, format, typecheck: false });
  return dir;
}

/** Writes the setup module (`setup.mjs`) and one whose validator refuses every plugin; returns their paths. */
export async function writeSetups(root: string): Promise<{ setup: string; refusing: string }> {
  await writeFiles(root, {
    'setup.mjs': [
      'export default {',
      "  validator: (plugin) => typeof plugin?.greet === 'function',",
      '  onLoad: (entry) => entry.plugin.start(),',
      '  onUnload: (entry) => entry.plugin.dispose(),',
      '};',
      '',
    ].join('\n'),
    'refusing.mjs': [
      'export const options = {',
      "  validator: (plugin) => typeof plugin?.shout === 'function',",
      '};',
      '',
    ].join('\n'),
  });
  return { setup: join(root, 'setup.mjs'), refusing: join(root, 'refusing.mjs') };
}
