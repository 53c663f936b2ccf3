// Hostile JavaScript values, as source text (plugins are files), and plugin
// shapes that throw, reject or export them. For the chaos tests of issue 11
// and for any test that needs a value a careless `String(error)`, `await` or
// `${…}` would choke on.

import fc from 'fast-check';
import type { FailureStage } from '../../src/index.js';
import { cjsPlugin, esmPlugin, type PluginFiles } from './plugins.js';

/** What `await value` does: gives a value, rejects, or never settles. */
export type AwaitOutcome = 'value' | 'reject' | 'never';

/** One hostile value: a JavaScript expression that evaluates to it, in an ES module or a CommonJS module. */
export interface HostileValue extends Partial<fc.WithToStringMethod> {
  /** A short name for messages (`revoked Proxy`, `never-settling thenable`). */
  readonly label: string;
  /** The expression, self-contained: no import, no require, no free variable but globals. */
  readonly source: string;
  /** What awaiting it (or returning it from an async function) does. */
  readonly awaited: AwaitOutcome;
  /** Whether a property can be defined on it (so a `greet` method can be attached). */
  readonly extensible: boolean;
}

const value = (
  label: string,
  source: string,
  awaited: AwaitOutcome = 'value',
  extensible = false,
): HostileValue => ({
  label,
  source,
  awaited,
  extensible,
  // fast-check prints the label in counterexamples instead of the whole source
  [fc.toStringMethod]: () => JSON.stringify(label),
});

const vm = `process.getBuiltinModule('node:vm')`;
/** A rejected promise whose rejection is already handled, so it never warns. */
const handledRejection = (reason: string, realm = ''): string =>
  realm === ''
    ? `(() => { const p = Promise.reject(${reason}); p.catch(() => {}); return p; })()`
    : `${vm}.runInNewContext('const p = Promise.reject(new Error("foreign")); p.catch(() => {}); p')`;

const PRIMITIVES: readonly HostileValue[] = [
  value('null', 'null'),
  value('undefined', 'undefined'),
  value('0', '0'),
  value('NaN', 'NaN'),
  value('-0', '-0'),
  value('bigint', '10n ** 30n'),
  value('empty string', "''"),
  value('lone surrogate string', "'\\uD800 \\u0000 \\u202E'"),
  value('huge string', "'x'.repeat(2 ** 21)"),
  value('Symbol', "Symbol('hostile')"),
  value('registered Symbol', "Symbol.for('augment.hostile')"),
  value('well-known Symbol', 'Symbol.iterator'),
];

const throwingObject = `{ get message() { throw Object.create(null); }, toString() { throw Symbol('toString'); } }`;

const OBJECTS: readonly HostileValue[] = [
  value('Object.create(null)', 'Object.create(null)', 'value', true),
  value(
    'null-prototype class instance',
    '(() => { class Nil extends null { constructor() { return Object.create(Nil.prototype); } } return new Nil(); })()',
    'value',
    true,
  ),
  value(
    'throwing message getter',
    "({ get message() { throw new Error('message getter'); } })",
    'value',
    true,
  ),
  value(
    'Error with throwing message and stack getters',
    // stack first: redefining it formats the stack, which reads the message
    "Object.defineProperties(new Error('x'), { stack: { get() { throw new TypeError('stack'); } }, message: { get() { throw new TypeError('message'); } } })",
    'value',
    true,
  ),
  value(
    'throwing toString and Symbol.toPrimitive',
    "({ toString() { throw new Error('toString'); }, [Symbol.toPrimitive]() { throw Object.create(null); } })",
    'value',
    true,
  ),
  value(
    'getter that throws a throwing object',
    `({ get message() { throw ${throwingObject}; }, get name() { throw ${throwingObject}; }, get stack() { throw ${throwingObject}; } })`,
    'value',
    true,
  ),
  value(
    'Error whose name getter throws',
    "Object.defineProperty(new Error('named'), 'name', { get() { throw Symbol('name'); } })",
    'value',
    true,
  ),
  value(
    'Error with circular cause',
    "(() => { const e = new Error('circular'); e.cause = e; return e; })()",
    'value',
    true,
  ),
  value(
    'Errors causing each other',
    "(() => { const a = new Error('a'); const b = new Error('b', { cause: a }); a.cause = b; return a; })()",
    'value',
    true,
  ),
  value(
    'AggregateError of hostile values',
    "new AggregateError([null, Object.create(null), Symbol('s'), { get message() { throw 1; } }], 'aggregate')",
    'value',
    true,
  ),
  value(
    'deeply nested object',
    '(() => { let o = {}; for (let i = 0; i < 100000; i++) o = { inner: o }; return o; })()',
    'value',
    true,
  ),
  value(
    'object with a cycle and a throwing toJSON',
    "(() => { const o = { toJSON() { throw new Error('toJSON'); } }; o.self = o; return o; })()",
    'value',
    true,
  ),
  value('foreign-realm Error', `${vm}.runInNewContext('new Error("foreign")')`, 'value', true),
  value('frozen object', "Object.freeze({ message: 'frozen' })"),
];

const PROXIES: readonly HostileValue[] = [
  value(
    'revoked Proxy',
    '(() => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; })()',
    'reject',
  ),
  value(
    'revoked function Proxy',
    '(() => { const r = Proxy.revocable(function f() {}, {}); r.revoke(); return r.proxy; })()',
    'reject',
  ),
  value(
    'Proxy whose every trap throws',
    "new Proxy({}, new Proxy({}, { get: (_, trap) => () => { throw new Error('trap ' + String(trap)); } }))",
    'reject',
  ),
  value(
    'Proxy whose every trap throws a Proxy',
    '(() => { const handler = new Proxy({}, { get: () => () => { throw p; } }); const p = new Proxy({}, handler); return p; })()',
    'reject',
  ),
];

const FUNCTIONS: readonly HostileValue[] = [
  value('function', 'function hostile() {}', 'value', true),
  value('arrow function', '() => {}', 'value', true),
  value('class', 'class Hostile {}', 'value', true),
  value(
    'function with throwing name',
    "Object.defineProperty(function () {}, 'name', { get() { throw new Error('name'); } })",
    'value',
    true,
  ),
];

const THENABLES: readonly HostileValue[] = [
  value('fulfilled Promise', 'Promise.resolve(1)', 'value', true),
  value('never-settling Promise', 'new Promise(() => {})', 'never', true),
  value('rejected Promise', handledRejection("new Error('rejected')"), 'reject', true),
  value('rejected Promise of null', handledRejection('null'), 'reject', true),
  value(
    'foreign-realm fulfilled Promise',
    `${vm}.runInNewContext('Promise.resolve(1)')`,
    'value',
    true,
  ),
  value(
    'foreign-realm never-settling Promise',
    `${vm}.runInNewContext('new Promise(() => {})')`,
    'never',
    true,
  ),
  value('foreign-realm rejected Promise', handledRejection('', 'foreign'), 'reject', true),
  value('fulfilling thenable', '({ then(resolve) { resolve(1); } })', 'value', true),
  value('never-settling thenable', '({ then() {} })', 'never', true),
  value(
    'rejecting thenable',
    '({ then(_resolve, reject) { reject(Object.create(null)); } })',
    'reject',
    true,
  ),
  value('thenable whose then throws', "({ then() { throw Symbol('then'); } })", 'reject', true),
  value(
    'thenable with a throwing then getter',
    "({ get then() { throw new Error('then getter'); } })",
    'reject',
    true,
  ),
  value(
    'thenable re-resolving itself 10000 times',
    "(() => { let n = 0; const t = { then(resolve) { n += 1; resolve(n < 10000 ? t : 'settled'); } }; return t; })()",
    'value',
    true,
  ),
  value(
    'function thenable',
    "Object.assign(function thenable() {}, { then(resolve) { resolve('from function'); } })",
    'value',
    true,
  ),
];

/** Every hostile value the generator draws from. */
export const HOSTILE_VALUES: readonly HostileValue[] = [
  ...PRIMITIVES,
  ...OBJECTS,
  ...PROXIES,
  ...FUNCTIONS,
  ...THENABLES,
];

/** A fast-check arbitrary of hostile values (shrinks toward `null`). */
export function hostileValueArbitrary(): fc.Arbitrary<HostileValue> {
  return fc.constantFrom(...HOSTILE_VALUES);
}

/** Where a plugin puts its hostile value. */
export type HostilePlacement =
  | 'throw-esm'
  | 'throw-cjs'
  | 'reject-tla'
  | 'await-tla'
  | 'export-esm'
  | 'export-cjs'
  | 'export-greeter-esm'
  | 'export-greeter-cjs'
  | 'getter-esm'
  | 'getter-cjs'
  | 'init-throws'
  | 'init-rejects'
  | 'init-returns'
  | 'dispose-throws'
  | 'dispose-rejects';

/** Every placement, in the order the generator shrinks toward. */
export const HOSTILE_PLACEMENTS: readonly HostilePlacement[] = [
  'throw-esm',
  'throw-cjs',
  'reject-tla',
  'await-tla',
  'export-esm',
  'export-cjs',
  'export-greeter-esm',
  'export-greeter-cjs',
  'getter-esm',
  'getter-cjs',
  'init-throws',
  'init-rejects',
  'init-returns',
  'dispose-throws',
  'dispose-rejects',
];

/** What a host with {@link HOSTILE_HOST_HOOKS} may do with a hostile plugin: load it or fail it at one of these stages. */
export type HostileOutcome = 'loaded' | FailureStage;

/** A generated plugin: its files and what a correct host does with it. */
export interface HostilePlugin {
  /** `label @ placement`, for messages. */
  readonly label: string;
  readonly value: HostileValue;
  readonly placement: HostilePlacement;
  /** The manifest name. */
  readonly name: string;
  /** Unique per generated plugin: the key of its export in {@link exportStash}. */
  readonly token: string;
  /** Files of the plugin directory (or archive). */
  readonly files: PluginFiles;
  /** The outcomes a correct host may have at load time (never a rejected `reload()`). */
  readonly outcomes: readonly HostileOutcome[];
  /** Whether `onUnload` (calling the plugin's `dispose`) fails when this plugin is unloaded. */
  readonly unloadFails: boolean;
}

/** The global map each generated plugin stores its own export in, by token: the value the registry must hold. */
export const STASH_KEY = 'augment.chaos.exports';

/** The exports generated plugins stored, by token. */
export function exportStash(): Map<string, unknown> {
  const global = globalThis as Record<symbol, unknown>;
  const key = Symbol.for(STASH_KEY);
  let stash = global[key];
  if (!(stash instanceof Map)) {
    stash = new Map<string, unknown>();
    global[key] = stash;
  }
  return stash as Map<string, unknown>;
}

/** Source that stores `expression` in the stash under `token` and evaluates to it. */
export function stashSource(token: string, expression: string): string {
  return `((v) => { const k = Symbol.for(${JSON.stringify(STASH_KEY)}); (globalThis[k] ??= new Map()).set(${JSON.stringify(token)}, v); return v; })(${expression})`;
}

/** A greeter object literal (source) holding `token`, with extra members. */
export function greeterSource(name: string, token: string, extra = ''): string {
  return `{ token: ${JSON.stringify(token)}, greet: (who) => ${JSON.stringify(`${name} greets `)} + who${extra === '' ? '' : `, ${extra}`} }`;
}

/**
 * The hooks a host needs so that the `init-*` and `dispose-*` placements
 * reach plugin code: `onLoad` calls the plugin's `init()` and returns what it
 * returns; `onUnload` calls its `dispose()`. Written defensively, like a
 * careful host would (plain property reads only on objects that have them).
 */
export const HOSTILE_HOST_HOOKS = {
  onLoad: (entry: { readonly plugin: unknown }): void | Promise<void> => {
    const plugin = entry.plugin as { init?: unknown } | null;
    if (typeof plugin === 'object' && plugin !== null && typeof plugin.init === 'function') {
      // whatever init returns (a hostile thenable too) goes to the host as is
      return (plugin.init as () => void | Promise<void>)();
    }
    return undefined;
  },
  onUnload: (entry: { readonly plugin: unknown }): void | Promise<void> => {
    const plugin = entry.plugin as { dispose?: unknown } | null;
    if (typeof plugin === 'object' && plugin !== null && typeof plugin.dispose === 'function') {
      return (plugin.dispose as () => void | Promise<void>)();
    }
    return undefined;
  },
};

/** Host-side source of {@link HOSTILE_HOST_HOOKS}, for child-process host scripts. */
export const HOSTILE_HOST_HOOKS_SOURCE = `{
  onLoad: (entry) => { const p = entry.plugin; if (typeof p === 'object' && p !== null && typeof p.init === 'function') return p.init(); },
  onUnload: (entry) => { const p = entry.plugin; if (typeof p === 'object' && p !== null && typeof p.dispose === 'function') return p.dispose(); },
}`;

/** The type guard of the hostile tests (source and function): an object or function with `greet()`. */
export const isGreeterLike = (p: unknown): p is { greet(who: string): string } =>
  ((typeof p === 'object' && p !== null) || typeof p === 'function') &&
  typeof (p as { greet?: unknown }).greet === 'function';

/** Source of {@link isGreeterLike}, for child-process host scripts. */
export const IS_GREETER_LIKE_SOURCE = `(p) => ((typeof p === 'object' && p !== null) || typeof p === 'function') && typeof p.greet === 'function'`;

const fromAwait = (awaited: AwaitOutcome, rejectStage: FailureStage): HostileOutcome[] =>
  awaited === 'value' ? ['loaded'] : awaited === 'reject' ? [rejectStage] : ['timeout'];

/**
 * Builds the plugin that puts `hostile` at `placement`. `name` must be a
 * valid manifest name; `token` must be unique in the process.
 */
export function hostilePlugin(
  hostile: HostileValue,
  placement: HostilePlacement,
  name: string,
  token: string,
): HostilePlugin {
  const v = hostile.source;
  const greeter = greeterSource(name, token);
  const stashed = (extra: string): string => stashSource(token, greeterSource(name, token, extra));
  const withGreet = `(() => { const v = (${v}); try { Object.defineProperty(v, 'greet', { value: (who) => ${JSON.stringify(`${name} greets `)} + who }); } catch {} return v; })()`;
  let files: PluginFiles;
  let outcomes: HostileOutcome[];
  let unloadFails = false;
  switch (placement) {
    case 'throw-esm':
      files = esmPlugin(name, `throw (${v});\nexport default ${greeter};\n`);
      outcomes = ['import'];
      break;
    case 'throw-cjs':
      files = cjsPlugin(name, `throw (${v});\n`);
      outcomes = ['import'];
      break;
    case 'reject-tla':
      files = esmPlugin(name, `await Promise.reject(${v});\nexport default ${greeter};\n`);
      outcomes = ['import'];
      break;
    case 'await-tla':
      files = esmPlugin(name, `await (${v});\nexport default ${stashSource(token, greeter)};\n`);
      outcomes = fromAwait(hostile.awaited, 'import');
      break;
    case 'export-esm':
      files = esmPlugin(name, `export default ${stashSource(token, v)};\n`);
      outcomes = ['loaded', 'validate'];
      break;
    case 'export-cjs':
      // reading `__esModule` of a throwing Proxy may fail the import itself
      files = cjsPlugin(name, `module.exports = ${stashSource(token, v)};\n`);
      outcomes = ['loaded', 'validate', 'import'];
      break;
    case 'export-greeter-esm':
      files = esmPlugin(name, `export default ${stashSource(token, withGreet)};\n`);
      outcomes = hostile.extensible ? ['loaded'] : ['loaded', 'validate'];
      break;
    case 'export-greeter-cjs':
      files = cjsPlugin(name, `module.exports = ${stashSource(token, withGreet)};\n`);
      outcomes = hostile.extensible ? ['loaded'] : ['loaded', 'validate', 'import'];
      break;
    case 'getter-esm':
      files = esmPlugin(
        name,
        `export default ${stashSource(token, `{ token: ${JSON.stringify(token)}, get greet() { throw (${v}); } }`)};\n`,
      );
      outcomes = ['validate'];
      break;
    case 'getter-cjs':
      files = cjsPlugin(
        name,
        `module.exports = ${stashSource(token, `{ token: ${JSON.stringify(token)}, get greet() { throw (${v}); } }`)};\n`,
      );
      outcomes = ['validate'];
      break;
    case 'init-throws':
      files = esmPlugin(name, `export default ${stashed(`init() { throw (${v}); }`)};\n`);
      outcomes = ['load'];
      break;
    case 'init-rejects':
      files = cjsPlugin(name, `module.exports = ${stashed(`async init() { throw (${v}); }`)};\n`);
      outcomes = ['load'];
      break;
    case 'init-returns':
      files = esmPlugin(name, `export default ${stashed(`init() { return (${v}); }`)};\n`);
      outcomes = fromAwait(hostile.awaited, 'load');
      break;
    case 'dispose-throws':
      files = esmPlugin(name, `export default ${stashed(`dispose() { throw (${v}); }`)};\n`);
      outcomes = ['loaded'];
      unloadFails = true;
      break;
    case 'dispose-rejects':
      files = cjsPlugin(
        name,
        `module.exports = ${stashed(`dispose() { return Promise.reject(${v}); }`)};\n`,
      );
      outcomes = ['loaded'];
      unloadFails = true;
      break;
  }
  return {
    label: `${hostile.label} @ ${placement}`,
    value: hostile,
    placement,
    name,
    token,
    files,
    outcomes,
    unloadFails,
  };
}

/** A hostile value at a placement, before a name and token are given. */
export interface HostileShape {
  readonly value: HostileValue;
  readonly placement: HostilePlacement;
}

/** A fast-check arbitrary of hostile values at every placement. */
export function hostileShapeArbitrary(
  placements: readonly HostilePlacement[] = HOSTILE_PLACEMENTS,
): fc.Arbitrary<HostileShape> {
  return fc.record({
    value: hostileValueArbitrary(),
    placement: fc.constantFrom(...placements),
  });
}

/** The placements whose plugin fails to load whatever the value is, and the stage it fails at. */
export const FAILING_PLACEMENTS: Readonly<Partial<Record<HostilePlacement, FailureStage>>> = {
  'throw-esm': 'import',
  'throw-cjs': 'import',
  'reject-tla': 'import',
  'getter-esm': 'validate',
  'getter-cjs': 'validate',
  'init-throws': 'load',
  'init-rejects': 'load',
};
