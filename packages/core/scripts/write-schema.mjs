// Writes schema/plugin.manifest.schema.json from the built package, so that
// the published JSON Schema is exactly the one `getManifestJsonSchema()` returns.
// Run by `npm run build` after tsup; the schema folder is build output.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/index.js', import.meta.url);
const output = new URL('../schema/plugin.manifest.schema.json', import.meta.url);

const { getManifestJsonSchema } = await import(built.href);
if (typeof getManifestJsonSchema !== 'function') {
  throw new Error(
    `${fileURLToPath(built)} does not export getManifestJsonSchema: build @augment/core (tsup) first, and re-export it from src/index.ts.`,
  );
}
const manifestJsonSchema = getManifestJsonSchema();
await mkdir(new URL('.', output), { recursive: true });
await writeFile(output, `${JSON.stringify(manifestJsonSchema, null, 2)}\n`);
console.log(`wrote ${fileURLToPath(output)}`);
