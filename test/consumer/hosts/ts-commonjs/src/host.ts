// A TypeScript host compiled with `module: commonjs` (and so `node10`
// resolution, which knows no "exports"): its types come from @augment/core's
// top-level "types" (dist/index.d.cts), and `require` at run time gets the
// CommonJS build. `T` is inferred from the type guard: no type argument, no cast.
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

async function main(): Promise<void> {
  const host = new PluginHost({ folder: process.argv[2] ?? 'plugins', validator: isGreeter });
  const report = await host.reload();

  const first = host.find(() => true);
  const greeting: string | undefined = first?.greet('first');
  // @ts-expect-error -- the plugins are Greeters, not `any`: a Greeter has no `shout`
  const shout: unknown = first?.shout;

  console.log(
    JSON.stringify({
      core: require.resolve('@augment/core'),
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
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
