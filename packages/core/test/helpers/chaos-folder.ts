// The plugin folder of the chaos model tests: a few slots, each one plugin
// source (a directory or a .zip, ESM or CJS) with a unique name, changed by
// synchronous file operations (so a watcher-triggered scan sees the folder
// between two operations, never inside one), and what each slot holds.

import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { ZipFile } from 'yazl';
import type { FailureStage } from '../../src/index.js';
import {
  FAILING_PLACEMENTS,
  hostilePlugin,
  stashSource,
  type HostileShape,
} from './hostile-values.js';
import { cjsPlugin, esmPlugin, type PluginFiles } from './plugins.js';

/** How a slot's plugin is shipped and written. */
export interface SlotKind {
  readonly origin: 'dir' | 'zip';
  readonly format: 'esm' | 'cjs';
  /** The entry imports a second module holding the token (exercises fresh imports of a plugin's own files). */
  readonly multi: boolean;
}

/** A way to break a plugin whose manifest stays valid. */
export type Breakage =
  | { readonly kind: 'syntax' }
  | { readonly kind: 'throw' }
  | { readonly kind: 'invalid-export' }
  | { readonly kind: 'hostile'; readonly shape: HostileShape };

/** What a slot holds now. */
export type SlotContent =
  | { readonly kind: 'good'; readonly version: string; readonly token: string }
  | { readonly kind: 'broken'; readonly stage: FailureStage; readonly label: string }
  | { readonly kind: 'corrupt-manifest' };

/** One plugin source in the folder. */
export interface Slot {
  readonly index: number;
  readonly name: string;
  readonly kind: SlotKind;
  /** Its file or directory name in the folder. */
  path: string;
  content: SlotContent;
  /** Grows whenever the plugin's fingerprint changes (for an archive: its bytes). */
  rev: number;
  /** Every token a good version of this slot ever had. */
  readonly goodTokens: Set<string>;
  /** The archive's current bytes. */
  bytes?: Buffer;
}

let tokens = 0;
/** A token unique in the process. */
export function nextToken(prefix: string): string {
  tokens += 1;
  return `${prefix}-${process.pid}-${tokens}`;
}

/** The stage a breakage fails at. */
export function breakageStage(breakage: Breakage): FailureStage {
  switch (breakage.kind) {
    case 'syntax':
    case 'throw':
      return 'import';
    case 'invalid-export':
      return 'validate';
    case 'hostile': {
      const stage = FAILING_PLACEMENTS[breakage.shape.placement];
      if (stage === undefined) throw new Error(`${breakage.shape.placement} does not always fail`);
      return stage;
    }
  }
}

function goodFiles(name: string, kind: SlotKind, version: string, token: string): PluginFiles {
  const greeter = `{ token, greet: (who) => ${JSON.stringify(`${name} greets `)} + who }`;
  const exported = stashSource(token, greeter);
  if (kind.format === 'esm') {
    return kind.multi
      ? esmPlugin(name, `import { token } from './lib.mjs';\nexport default ${exported};\n`, {
          version,
          files: { 'lib.mjs': `export const token = ${JSON.stringify(token)};\n` },
        })
      : esmPlugin(name, `const token = ${JSON.stringify(token)};\nexport default ${exported};\n`, {
          version,
        });
  }
  return kind.multi
    ? cjsPlugin(name, `const { token } = require('./lib.cjs');\nmodule.exports = ${exported};\n`, {
        version,
        files: { 'lib.cjs': `exports.token = ${JSON.stringify(token)};\n` },
      })
    : cjsPlugin(name, `const token = ${JSON.stringify(token)};\nmodule.exports = ${exported};\n`, {
        version,
      });
}

function brokenFiles(name: string, kind: SlotKind, breakage: Breakage): PluginFiles {
  const unique = `// ${nextToken('broken')}\n`;
  const plugin = kind.format === 'esm' ? esmPlugin : cjsPlugin;
  switch (breakage.kind) {
    case 'syntax':
      return plugin(
        name,
        `${unique}${kind.format === 'esm' ? 'export default {' : 'module.exports = {'}\n`,
      );
    case 'throw':
      return plugin(name, `${unique}throw new Error('broken at import');\n`);
    case 'invalid-export':
      return plugin(
        name,
        `${unique}${kind.format === 'esm' ? 'export default' : 'module.exports ='} { greet: 'not a function' };\n`,
      );
    case 'hostile':
      // the shape decides the module format; a unique token makes new bytes
      return hostilePlugin(
        breakage.shape.value,
        breakage.shape.placement,
        name,
        nextToken('hostile'),
      ).files;
  }
}

/** Zips files with yazl (fixed mtimes: the bytes depend on the content only). */
export async function zipBytes(files: PluginFiles): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [file, content] of Object.entries(files)) {
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    zip.addBuffer(Buffer.from(text), file.replace(/^\.\//, ''), {
      mtime: new Date(0),
      compress: false,
    });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The folder and its slots. Every change is made with synchronous calls and
 * ends by giving each written file a later mtime than any before, so that
 * every write changes the fingerprint even within the clock's resolution.
 */
export class ChaosFolder {
  readonly slots = new Map<number, Slot>();
  /** Completed changes; a scan that starts when it equals the final count sees the final folder. */
  changes = 0;
  #clock = Math.floor(Date.now() / 1000) + 10;
  #paths = 0;

  constructor(
    readonly folder: string,
    readonly prefix: string,
  ) {}

  /** The source path the host reports for a slot. */
  source(slot: Slot): string {
    return join(this.folder, slot.path);
  }

  #newPath(index: number, origin: 'dir' | 'zip'): string {
    this.#paths += 1;
    return `slot${index}-${this.#paths}${origin === 'zip' ? '.zip' : ''}`;
  }

  #tick(): Date {
    this.#clock += 1;
    return new Date(this.#clock * 1000);
  }

  /** Writes a slot's files (a directory, or an archive of them). */
  async #write(slot: Slot, files: PluginFiles, atomic = false): Promise<void> {
    const target = this.source(slot);
    if (slot.kind.origin === 'zip') {
      const bytes = await zipBytes(files);
      const file = atomic ? join(this.folder, `.tmp-${slot.path}`) : target;
      writeFileSync(file, bytes);
      const time = this.#tick();
      utimesSync(file, time, time);
      if (atomic) renameSync(file, target);
      slot.bytes = bytes;
      slot.rev += 1;
    } else {
      const keep = new Set(Object.keys(files).map((f) => f.replace(/^\.\//, '')));
      if (existsSync(target)) {
        for (const file of readdirSync(target)) {
          if (!keep.has(file)) rmSync(join(target, file), { recursive: true, force: true });
        }
      }
      for (const [relative, content] of Object.entries(files)) {
        const file = join(target, relative);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
        const time = this.#tick();
        utimesSync(file, time, time);
      }
      slot.rev += 1;
    }
    this.changes += 1;
  }

  /** Adds a plugin with a good first version. */
  async add(index: number, kind: SlotKind): Promise<Slot> {
    const slot: Slot = {
      index,
      name: `chaos-${this.prefix}-${index}`,
      kind,
      path: this.#newPath(index, kind.origin),
      content: { kind: 'corrupt-manifest' },
      rev: 0,
      goodTokens: new Set(),
    };
    this.slots.set(index, slot);
    await this.publish(slot, '1.0.0');
    return slot;
  }

  /** Writes a new good version (`atomic`: an archive is written aside and renamed into place). */
  async publish(slot: Slot, version: string, atomic = false): Promise<void> {
    const token = nextToken(this.prefix);
    const files = goodFiles(slot.name, slot.kind, version, token);
    // the new content is known before the files change: a scan that sees the
    // new files then also finds their token in the model
    slot.goodTokens.add(token);
    await this.#write(slot, files, atomic);
    slot.content = { kind: 'good', version, token };
  }

  /** Breaks the plugin's code; its manifest stays valid. */
  async break(slot: Slot, breakage: Breakage): Promise<void> {
    await this.#write(slot, brokenFiles(slot.name, slot.kind, breakage));
    const label =
      breakage.kind === 'hostile'
        ? `hostile ${breakage.shape.value.label} @ ${breakage.shape.placement}`
        : breakage.kind;
    slot.content = { kind: 'broken', stage: breakageStage(breakage), label };
  }

  /** Makes the manifest unreadable JSON (for an archive: a new archive with such a manifest). */
  async corrupt(slot: Slot): Promise<void> {
    const unique = nextToken('corrupt');
    await this.#write(slot, {
      'plugin.manifest.json': `{ "name": ${JSON.stringify(slot.name)}, "version": "1.0.0", // ${unique}`,
      'index.mjs': 'export default {};\n',
    });
    slot.content = { kind: 'corrupt-manifest' };
  }

  /** Changes the mtime only (an archive: rewritten with the same bytes, so not changed). */
  touch(slot: Slot): void {
    const target = this.source(slot);
    const time = this.#tick();
    if (slot.kind.origin === 'zip') {
      if (slot.bytes !== undefined) writeFileSync(target, slot.bytes);
      utimesSync(target, time, time);
    } else {
      const entry = readdirSync(target).find((f) => /^index\.[mc]js$/.test(f));
      utimesSync(join(target, entry ?? 'plugin.manifest.json'), time, time);
      slot.rev += 1;
    }
    this.changes += 1;
  }

  /** Moves the plugin to another name in the folder. */
  rename(slot: Slot): void {
    const path = this.#newPath(slot.index, slot.kind.origin);
    renameSync(this.source(slot), join(this.folder, path));
    slot.path = path;
    this.changes += 1;
  }

  /** Deletes the plugin. */
  delete(slot: Slot): void {
    rmSync(this.source(slot), { recursive: true, force: true });
    this.slots.delete(slot.index);
    this.changes += 1;
  }
}
