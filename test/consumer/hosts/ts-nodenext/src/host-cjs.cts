// A TypeScript host compiled with `module: nodenext` as CommonJS (a .cts
// file): its `import` becomes `require` and resolves @augment/core's
// "require" condition, types and code (dist/index.d.cts, dist/index.cjs).
// `T` comes from the type argument of `PluginHost<Greeter>`.
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
  const host = new PluginHost<Greeter>({
    folder: process.argv[2] ?? 'plugins',
    validator: isGreeter,
  });
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
