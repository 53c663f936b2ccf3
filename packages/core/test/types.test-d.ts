// Compile-time checks of the public generics, run by `npm run typecheck`.
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import {
  PluginHost,
  type AugmentError,
  type Manifest,
  type PluginEntry,
  type PluginFailure,
  type ReloadReport,
  type SwitchReport,
} from '../src/index.js';

interface Greeter {
  greet(name: string): string;
}
const isGreeter = (p: unknown): p is Greeter => typeof (p as Greeter | null)?.greet === 'function';

// T comes from the type parameter, and also from the validator alone
const typed = new PluginHost<Greeter>({ folder: './plugins', validator: isGreeter });
expectTypeOf(typed.find(() => true)).toEqualTypeOf<Greeter | undefined>();
expectTypeOf(typed.getAll()).toEqualTypeOf<PluginEntry<Greeter>[]>();
expectTypeOf(typed.get('x')).toEqualTypeOf<PluginEntry<Greeter> | undefined>();
expectTypeOf(typed.getFailures()).toEqualTypeOf<readonly PluginFailure[]>();
expectTypeOf(typed.reload()).toEqualTypeOf<Promise<ReloadReport>>();

// dependencies are entries of the same host; switches resolve to a report
expectTypeOf<PluginEntry<Greeter>['dependencies']>().toEqualTypeOf<
  Readonly<Record<string, PluginEntry<Greeter>>>
>();
expectTypeOf(typed.disable('x')).toEqualTypeOf<Promise<SwitchReport>>();
expectTypeOf(typed.enable('x')).toEqualTypeOf<Promise<SwitchReport>>();
expectTypeOf(typed.disabled).toEqualTypeOf<string[]>();
expectTypeOf<SwitchReport>().toExtend<ReloadReport>();
new PluginHost<Greeter>({
  folder: './plugins',
  strict: true,
  disabled: ['a'],
  onLoad: (entry) => {
    expectTypeOf(entry.dependencies['other']?.plugin).toEqualTypeOf<Greeter | undefined>();
  },
});

const inferred = new PluginHost({ folder: './plugins', validator: isGreeter });
expectTypeOf(inferred.find(() => true)).toEqualTypeOf<Greeter | undefined>();

// a Standard Schema (zod 4) types T and M as well
const schema = z.object({ greet: z.function() });
const meta = z.object({ priority: z.number() });
const zodHost = new PluginHost({ folder: './plugins', validator: schema, metaValidator: meta });
expectTypeOf(zodHost.getAll()[0]!.manifest.meta.priority).toEqualTypeOf<number>();
expectTypeOf(zodHost.find((m) => m.meta.priority > 1)).not.toBeUnknown();

// the registry holds the raw export, so a schema types T by its input, not its output
const withDefault = new PluginHost({
  folder: './plugins',
  metaValidator: z.object({ priority: z.number().default(1) }),
});
expectTypeOf(withDefault.getAll()[0]!.manifest.meta.priority).toEqualTypeOf<number | undefined>();

// events carry typed payloads
typed.on('plugin:loaded', ({ entry, previous }) => {
  expectTypeOf(entry.plugin).toEqualTypeOf<Greeter>();
  expectTypeOf(previous).toEqualTypeOf<PluginEntry<Greeter> | undefined>();
});
typed.on('reload:done', ({ report }) => {
  expectTypeOf(report.added).toEqualTypeOf<readonly string[]>();
});
typed.on('plugin:failed', ({ failure }) => {
  expectTypeOf(failure.stage).toEqualTypeOf<PluginFailure['stage']>();
});
typed.on('watch:error', ({ error }) => {
  expectTypeOf(error).toEqualTypeOf<AugmentError>();
});
typed.on('dev:error', ({ error }) => {
  expectTypeOf(error).toEqualTypeOf<AugmentError>();
});
typed.on('reload:start', ({ reason }) => {
  expectTypeOf(reason).toEqualTypeOf<'manual' | 'watch' | 'enable' | 'disable' | 'dev'>();
});
expectTypeOf(typed.reloadPlugin('greeter')).toEqualTypeOf<Promise<ReloadReport>>();
new PluginHost({ folder: './plugins', dev: true });

// manifests: meta defaults to a record; unknown keys stay accessible
expectTypeOf<Manifest['meta']>().toEqualTypeOf<Record<string, unknown>>();
expectTypeOf<Manifest['anything']>().toEqualTypeOf<unknown>();

// @ts-expect-error unknown options are a type error too
new PluginHost({ folder: './plugins', fodler: 'x' });
