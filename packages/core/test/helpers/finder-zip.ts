// An archive as macOS Finder's Compress writes it (`ditto -c -k
// --sequesterRsrc --keepParent folder folder.zip`): one top folder; names in
// UTF-8 (decomposed, NFD, as APFS and HFS+ hand them out) without the UTF-8
// flag; every file deflated behind a data descriptor; `.DS_Store`; and a
// `__MACOSX/` tree of `._name` AppleDouble files holding extended attributes.

import { buildZip, type ZipEntrySpec } from './zip-writer.js';

const DESCRIPTOR_FLAG = 0x08;
const MADE_BY_UNIX = (3 << 8) | 21;
const FILE_MODE = (0o100644 << 16) >>> 0;
const DIRECTORY_MODE = (0o40755 << 16) >>> 0;

/** An AppleDouble header with one empty Finder info entry: what `._name` holds. */
export function appleDouble(): Buffer {
  const bytes = Buffer.alloc(26 + 12 + 32);
  bytes.writeUInt32BE(0x00051607, 0); // magic
  bytes.writeUInt32BE(0x00020000, 4); // version 2
  bytes.write('Mac OS X        ', 8, 'latin1');
  bytes.writeUInt16BE(1, 24); // one entry
  bytes.writeUInt32BE(9, 26); // Finder info
  bytes.writeUInt32BE(38, 30); // at
  bytes.writeUInt32BE(32, 34); // length
  return bytes;
}

function directory(name: string): ZipEntrySpec {
  return {
    name: Buffer.from(name.normalize('NFD')),
    flags: 0,
    method: 0,
    externalAttributes: DIRECTORY_MODE,
    versionMadeBy: MADE_BY_UNIX,
  };
}

function file(name: string, content: Buffer | string): ZipEntrySpec {
  return {
    name: Buffer.from(name.normalize('NFD')),
    content,
    method: 8,
    flags: DESCRIPTOR_FLAG,
    // the local header leaves CRC and sizes to the descriptor after the data
    localCrc32: 0,
    localCompressedSize: 0,
    localUncompressedSize: 0,
    dataDescriptor: true,
    externalAttributes: FILE_MODE,
    versionMadeBy: MADE_BY_UNIX,
  };
}

/**
 * Builds a Finder-style archive of `files` (path → content, `/`-separated,
 * folders implied) inside the top folder `top`, in Finder's order: each
 * folder, its `.DS_Store`, then each file followed by its AppleDouble twin.
 */
export function finderZip(top: string, files: Record<string, Buffer | string>): Buffer {
  const entries: ZipEntrySpec[] = [directory(`${top}/`), file(`${top}/.DS_Store`, '')];
  entries.push(directory('__MACOSX/'), directory(`__MACOSX/${top}/`));
  const made = new Set<string>();
  for (const [path, content] of Object.entries(files)) {
    const segments = path.split('/');
    for (let depth = 1; depth < segments.length; depth += 1) {
      const folder = segments.slice(0, depth).join('/');
      if (made.has(folder)) continue;
      made.add(folder);
      entries.push(directory(`${top}/${folder}/`), directory(`__MACOSX/${top}/${folder}/`));
    }
    const twin = [...segments.slice(0, -1), `._${segments.at(-1) ?? ''}`].join('/');
    entries.push(file(`${top}/${path}`, content), file(`__MACOSX/${top}/${twin}`, appleDouble()));
  }
  return buildZip({ entries });
}
