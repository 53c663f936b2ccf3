import * as z from 'zod/mini';

/** The longest name npm allows. */
export const NAME_MAX_LENGTH = 214;

/** Lower-case, url-safe, optional `@scope/`; neither part starts with `.` or `_` (npm's rules for new packages). */
export const NAME_PATTERN = /^(?:@[a-z0-9-][a-z0-9._-]*\/)?[a-z0-9-][a-z0-9._-]*$/u;

/** Each rule aborts the ones after it, so that every field reports one clear problem. */
export const abortWith = (error: string) => ({ error, abort: true });

/**
 * The rules of a plugin name, in the order they are checked: the manifest's
 * `name`, and each key of `pluginDependencies` / `optionalPluginDependencies`.
 * Each message completes "must …" after the name's path.
 */
export function pluginNameChecks() {
  return [
    z.minLength(1, abortWith('must not be empty: use a name like "my-plugin"')),
    z.maxLength(NAME_MAX_LENGTH, abortWith('must be at most 214 characters long')),
    z.regex(/^(?![._])/u, abortWith('must not start with "." or "_"')),
    z.regex(/^[^A-Z]*$/u, abortWith('must be lower-case')),
    z.regex(NAME_PATTERN, {
      error:
        'must be an npm-style package name like "my-plugin" or "@scope/my-plugin" (lower-case letters, digits, "-", "." and "_")',
    }),
  ] as const;
}

/** Whether `name` passes every rule of {@link pluginNameChecks} (the fast test). */
export function isPluginName(name: string): boolean {
  return name.length <= NAME_MAX_LENGTH && NAME_PATTERN.test(name);
}
