// A TypeScript host compiled with `module: nodenext` as an ES module: its
// `import` resolves @augment/core's "import" condition, types and code
// (dist/index.d.ts, dist/index.js). `T` is inferred from the type guard: no
// type argument, no cast.
import { fileURLToPath } from 'node:url';
import { PluginHost } from '@augment/core';

interface Greeter {
  greet(name: string): string;
}

function isGreeter(value: unknown): value is Greeter {
  return (
    typeof value === 'object' &&
    value !== null &&
    'greet' in value &&
    typeof value.greet === 'function'
  );
}

const host = new PluginHost({ folder: process.argv[2] ?? 'plugins', validator: isGreeter });
const report = await host.reload();

const first = host.find(() => true);
const greeting: string | undefined = first?.greet('first');
// @ts-expect-error -- the plugins are Greeters, not `any`: a Greeter has no `shout`
const shout: unknown = first?.shout;

console.log(
  JSON.stringify({
    core: fileURLToPath(import.meta.resolve('@augment/core')),
    failed: report.failed.map((failure) => `${failure.code}: ${failure.message}`),
    plugins: host.getAll().map(({ manifest, plugin, format, origin }) => ({
      name: manifest.name,
      format,
      origin,
      greeting: plugin.greet('consumer'),
    })),
    first: greeting,
    shout: shout === undefined,
  }),
);
await host.close();
