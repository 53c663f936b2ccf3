// Zips a plugin folder the way plugin authors and their CI do: with the
// system tools (Info-ZIP, bsdtar, 7-Zip, Python's zipfile, jar) when they are
// installed, and with the npm libraries. Each maker writes `out` from the
// contents of `dir` (entries named relative to it, as when run inside it).

import { execFile, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import AdmZip from 'adm-zip';
import { ZipArchive } from 'archiver';
import { zipSync, type Zippable } from 'fflate';
import JSZip from 'jszip';
import yazl from 'yazl';

/** Writes `out` (a `.zip`) from the contents of the folder `dir`. */
export type ArchiveMaker = (dir: string, out: string) => Promise<void>;

/** Whether a command is on the PATH. */
export function has(command: string): boolean {
  const result = spawnSync(command, ['--help'], { stdio: 'ignore' });
  return !(result.error !== undefined && 'code' in result.error && result.error.code === 'ENOENT');
}

/** Runs a command in `cwd`; rejects with its stderr unless it exits 0. Resolves to stdout. */
function run(command: string, args: readonly string[], cwd: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const options = { cwd, encoding: 'buffer' as const, maxBuffer: 64 * 1024 * 1024 };
    execFile(command, args, options, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else
        reject(
          new Error(`${command} ${args.join(' ')} failed: ${String(stderr)}`, { cause: error }),
        );
    });
  });
}

/** A maker that runs `command` inside the folder; `args` gets the output path. */
function tool(command: string, args: (out: string, dir: string) => string[]): ArchiveMaker {
  return async (dir, out) => {
    await run(command, args(out, dir), dir);
  };
}

/** Every file below `dir`, as `/`-separated paths relative to it (folders end with `/`). */
export async function listFolder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .map((entry) => {
      const path = relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/');
      return entry.isDirectory() ? `${path}/` : path;
    })
    .sort();
}

/** System tools: the command each needs, and how it is run. */
export const SYSTEM_MAKERS: Record<string, { command: string; make: ArchiveMaker }> = {
  'Info-ZIP zip -r': {
    command: 'zip',
    make: tool('zip', (out) => ['-q', '-r', out, '.']),
  },
  'Info-ZIP zip -r -D (no directory entries)': {
    command: 'zip',
    make: tool('zip', (out) => ['-q', '-r', '-D', out, '.']),
  },
  'Info-ZIP zip -r - (streamed, data descriptors)': {
    command: 'zip',
    // stdout is a pipe: zip cannot seek back, so it writes data descriptors
    make: async (dir, out) => writeFile(out, await run('zip', ['-q', '-r', '-', '.'], dir)),
  },
  'Info-ZIP zip -r -fz (Zip64 extra fields)': {
    command: 'zip',
    make: tool('zip', (out) => ['-q', '-r', '-fz', out, '.']),
  },
  'bsdtar -a -cf plugin.zip . (tar on macOS and Windows)': {
    command: 'bsdtar',
    make: tool('bsdtar', (out) => ['-a', '-cf', out, '.']),
  },
  '7-Zip 7z a -tzip': {
    command: '7z',
    make: tool('7z', (out) => ['a', '-tzip', '-bd', '-bso0', out, '.']),
  },
  'python3 -m zipfile -c': {
    command: 'python3',
    make: tool('python3', (out) => ['-m', 'zipfile', '-c', out, '.']),
  },
  'jar cf': {
    command: 'jar',
    make: tool('jar', (out, dir) => ['cf', out, '-C', dir, '.']),
  },
  'jar cMf (no META-INF)': {
    command: 'jar',
    make: tool('jar', (out, dir) => ['cMf', out, '-C', dir, '.']),
  },
};

/** 7-Zip with Deflate64 (method 9), which Node cannot inflate: refused. */
export const DEFLATE64_MAKER = {
  command: '7z',
  make: tool('7z', (out) => ['a', '-tzip', '-mm=Deflate64', '-bd', '-bso0', out, '.']),
};

/** The files of `dir` (not folders), path → content. */
async function readAll(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const path of await listFolder(dir)) {
    if (!path.endsWith('/')) files.set(path, await readFile(join(dir, path)));
  }
  return files;
}

/** npm libraries, each used the way its README shows. */
export const LIBRARY_MAKERS: Record<string, ArchiveMaker> = {
  archiver: async (dir, out) => {
    const archive = new ZipArchive({ zlib: { level: 9 } });
    const written = pipeline(archive, createWriteStream(out));
    archive.directory(dir, false);
    await archive.finalize();
    await written;
  },
  JSZip: async (dir, out) => {
    const zip = new JSZip();
    for (const [path, content] of await readAll(dir)) zip.file(path, content);
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    await writeFile(out, bytes);
  },
  'adm-zip': async (dir, out) => {
    const zip = new AdmZip();
    zip.addLocalFolder(dir);
    await writeFile(out, zip.toBuffer());
  },
  fflate: async (dir, out) => {
    const tree: Zippable = {};
    for (const [path, content] of await readAll(dir)) tree[path] = new Uint8Array(content);
    await writeFile(out, zipSync(tree, { level: 6 }));
  },
  yazl: async (dir, out) => {
    const zip = new yazl.ZipFile();
    for (const path of await listFolder(dir)) {
      if (path.endsWith('/')) zip.addEmptyDirectory(path);
      else zip.addFile(join(dir, path), path);
    }
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(out));
  },
};
