import type { BundleOutput } from './bundle.js';
import { insertMappingLines } from './source-map.js';

/** Names the bundle refers to when its code needs them (see `esbuildOptions`'s `define`). */
export const SHIM_NAMES = {
  filename: '__augment_filename',
  dirname: '__augment_dirname',
  importMetaUrl: '__augment_import_meta_url',
} as const;

const USE_STRICT = '"use strict";';

/**
 * Lines an ES module bundle needs before its code, chosen by what the code
 * uses: `require` (a CommonJS dependency requiring a Node builtin: esbuild's
 * ESM output otherwise throws "Dynamic require of X is not supported"),
 * `__filename` and `__dirname` (through `define`). A word in a string or a
 * comment only adds a harmless import; a use is never missed.
 */
function esmPrelude(js: string): string[] {
  const lines: string[] = [];
  const needsFilename = new RegExp(`\\b(?:${SHIM_NAMES.filename}|${SHIM_NAMES.dirname})\\b`, 'u');
  const needsRequire = /\brequire\b/u.test(js);
  const needsPaths = needsFilename.test(js);
  if (needsRequire) {
    lines.push("import { createRequire as __augmentCreateRequire } from 'node:module';");
  }
  if (needsPaths) {
    lines.push(
      "import { fileURLToPath as __augmentFileURLToPath } from 'node:url';",
      "import { dirname as __augmentDirname } from 'node:path';",
    );
  }
  if (needsRequire) lines.push('const require = __augmentCreateRequire(import.meta.url);');
  if (needsPaths) {
    lines.push(
      `const ${SHIM_NAMES.filename} = __augmentFileURLToPath(import.meta.url);`,
      `const ${SHIM_NAMES.dirname} = __augmentDirname(${SHIM_NAMES.filename});`,
    );
  }
  return lines;
}

/** `import.meta.url` for CommonJS code, only when the code uses it (esbuild would leave `{}`). */
function cjsShim(js: string): string[] {
  const used = new RegExp(`\\b${SHIM_NAMES.importMetaUrl}\\b`, 'u').test(js);
  return used
    ? [`var ${SHIM_NAMES.importMetaUrl} = require('node:url').pathToFileURL(__filename).href;`]
    : [];
}

/**
 * Puts what the bundle needs before its code, keeping any directive first:
 * a CommonJS bundle always starts with `"use strict";` (its sources are ES
 * modules, strict by definition; esbuild writes the directive only when
 * tsconfig.json asks for it), then the `import.meta.url` shim when the code
 * uses it; an ES module gets `createRequire` and `__filename`/`__dirname`
 * only when its code needs them. A `#!` line stays first. The source map is
 * shifted by the lines added, so every mapping stays exact.
 *
 * @param output - esbuild's bundle and map
 * @param format - the bundle's module format
 */
export function addPrelude(output: BundleOutput, format: 'esm' | 'cjs'): BundleOutput {
  const js = Buffer.from(output.js).toString('utf8');
  const lines = js.split('\n');
  let at = lines[0]?.startsWith('#!') === true ? 1 : 0;
  let insert: string[];
  if (format === 'esm') {
    insert = esmPrelude(js);
  } else {
    // esbuild's own directive on a line of its own is kept; one sharing its
    // line with code (minified output) becomes a harmless expression after ours.
    if (lines[at] === USE_STRICT) at += 1;
    insert = at > 0 && lines[at - 1] === USE_STRICT ? cjsShim(js) : [USE_STRICT, ...cjsShim(js)];
  }
  if (insert.length === 0) return output;
  lines.splice(at, 0, ...insert);
  return {
    js: Buffer.from(lines.join('\n'), 'utf8'),
    map: output.map === undefined ? undefined : shiftMap(output.map, at, insert.length),
  };
}

function shiftMap(map: Uint8Array, at: number, count: number): Uint8Array {
  const json = JSON.parse(Buffer.from(map).toString('utf8')) as Record<string, unknown>;
  const mappings = json['mappings'];
  if (typeof mappings !== 'string') return map;
  const shifted = { ...json, mappings: insertMappingLines(mappings, at, count) };
  return Buffer.from(JSON.stringify(shifted), 'utf8');
}
