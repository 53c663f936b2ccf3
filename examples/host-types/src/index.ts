export type { Greeter, GreeterDependencies, Visitor } from './greeter.js';
export { GREETER_KINDS, PRIORITY_RANGE } from './meta.js';
export type { GreeterKind, GreeterMeta } from './meta.js';
export { greeterMetaSchema, greeterSchema, isGreeter, isGreeterMeta } from './validators.js';
