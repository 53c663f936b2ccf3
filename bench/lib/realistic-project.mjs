// A realistic plugin project for the watch benchmark: about 300 lines of
// TypeScript over a real library (zod, resolved from the workspace), so that
// the type check has real work: the library's declarations, inferred types,
// several files importing each other.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The greeting each edit of `src/index.ts` changes. */
export const GREETING = 'served by the realistic plugin';

/** How many schema modules `src/schemas/` holds (each about 25 lines). */
const MODULES = 10;

/**
 * One schema module: a zod object schema, its inferred type, a parser and a
 * summary function over it.
 *
 * @param {number} i
 * @returns {string}
 */
function schemaModule(i) {
  return `import { z } from 'zod';

export const Item${i}Schema = z.object({
  id: z.string().min(1),
  name: z.string(),
  count: z.number().int().nonnegative(),
  tags: z.array(z.string()).default([]),
  owner: z.object({ id: z.string(), email: z.string().email().optional() }),
  kind: z.enum(['a', 'b', 'c']),
  createdAt: z.string().datetime().optional(),
});

export type Item${i} = z.infer<typeof Item${i}Schema>;

export function parseItem${i}(input: unknown): Item${i} {
  return Item${i}Schema.parse(input);
}

export function summarize${i}(items: readonly Item${i}[]): { total: number; byKind: Record<Item${i}['kind'], number> } {
  const byKind: Record<Item${i}['kind'], number> = { a: 0, b: 0, c: 0 };
  let total = 0;
  for (const item of items) {
    byKind[item.kind] += item.count;
    total += item.count;
  }
  return { total, byKind };
}
`;
}

/**
 * @param {number} modules
 * @returns {string} src/index.ts: imports every module and uses each
 */
function indexModule(modules) {
  const imports = [];
  const uses = [];
  for (let i = 0; i < modules; i += 1) {
    imports.push(`import { parseItem${i}, summarize${i} } from './schemas/item-${i}.js';`);
    uses.push(
      `  report${i}(input: unknown): number {\n    return summarize${i}([parseItem${i}(input)]).total;\n  },`,
    );
  }
  return `${imports.join('\n')}

export const greeting: string = '${GREETING}';

const plugin = {
  greet(): string {
    return greeting;
  },
${uses.join('\n')}
};

export default plugin;
`;
}

/**
 * Writes the project into `dir` (emptied first): package.json, manifest,
 * tsconfig.json and src/. It resolves zod and TypeScript from the workspace,
 * so `dir` must be inside the repository.
 *
 * @param {string} dir
 * @param {string} name - the plugin's name
 * @returns {Promise<string>} `dir`
 */
export async function writeRealisticProject(dir, name) {
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'src', 'schemas'), { recursive: true });
  const json = (/** @type {unknown} */ value) => `${JSON.stringify(value, null, 2)}\n`;
  await writeFile(
    join(dir, 'package.json'),
    json({
      name,
      version: '1.0.0',
      private: true,
      type: 'module',
      engines: { node: '>=20.19' },
      dependencies: { zod: '*' },
    }),
  );
  await writeFile(
    join(dir, 'plugin.manifest.json'),
    json({ name, version: '1.0.0', entryPoint: './dist/index.js' }),
  );
  await writeFile(
    join(dir, 'tsconfig.json'),
    json({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        types: ['node'],
        strict: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: true,
        noEmit: true,
      },
      include: ['src'],
    }),
  );
  for (let i = 0; i < MODULES; i += 1) {
    await writeFile(join(dir, 'src', 'schemas', `item-${i}.ts`), schemaModule(i));
  }
  await writeFile(join(dir, 'src', 'index.ts'), indexModule(MODULES));
  return dir;
}
