export { scaffold } from './scaffold.js';
export type { ScaffoldResult } from './scaffold.js';
export { PLUGIN_FORMATS, parseTypesPackage, resolveScaffoldOptions } from './options.js';
export type {
  PluginFormat,
  ResolvedScaffoldOptions,
  ScaffoldOptions,
  TypesPackage,
} from './options.js';
export { checkPluginName } from './name.js';
export { SCAFFOLD_ERROR_CODES, ScaffoldError, isScaffoldError } from './errors.js';
export type { ScaffoldErrorCode } from './errors.js';
