export { PluginHost } from './host.js';
export type {
  HostOptionKey,
  PluginHostOptions,
  ResolvedOptionValues,
  ResolvedPluginHostOptions,
} from './options.js';
export { resolveHostOptions } from './options.js';
export type { PluginHostEvents, ReloadReason, UnloadReason } from './events.js';
export type {
  FailureStage,
  Logger,
  Manifest,
  ModuleFormat,
  PluginEntry,
  PluginFailure,
  PluginMeta,
  PluginOrigin,
  ReloadReport,
  SwitchReport,
  TypeGuard,
  Validator,
} from './types.js';
export {
  ArchiveError,
  AugmentError,
  ERROR_CODES,
  LoadError,
  ManifestError,
  OptionsError,
  StrictModeError,
  isAugmentError,
} from './errors.js';
export type { ArchiveErrorDetails, AugmentErrorDetails, ErrorCode } from './errors.js';
export {
  MANIFEST_FILE,
  MAX_MANIFEST_BYTES,
  checkManifestFiles,
  getManifestIssues,
  parseManifest,
  readManifest,
  validateManifest,
} from './manifest/manifest.js';
export type { ManifestValidationIssue } from './manifest/manifest.js';
export { getManifestJsonSchema } from './manifest/schema.js';
export type { ManifestJsonSchema } from './manifest/schema.js';
export { detectFormat } from './load/format.js';
export {
  DEFAULT_ARCHIVE_LIMITS,
  extractArchive,
  hashFile,
  inspectArchive,
  readArchiveManifest,
} from './archive/archive.js';
export type { ArchiveEntryInfo, ArchiveLimits, ArchiveListing } from './archive/archive.js';
export { parseDigest } from './util/digest.js';
export type { ArchiveIntegrityInfo, IntegrityOption } from './sources/archive/integrity.js';
