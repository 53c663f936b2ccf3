import { getManifestIssues, validateManifest } from '@augment/core';

/**
 * Checks a plugin (or package) name with core's manifest rule, the one a
 * host applies when it loads the plugin, so that a generated project never
 * carries a name its host refuses. Returns the problems, one per line, or
 * `[]` when the name is valid.
 *
 * @param name - the name to check, e.g. `my-plugin` or `@acme/my-plugin`
 * @example
 * checkPluginName('My Plugin'); // ['must be lower-case']
 */
export function checkPluginName(name: string): string[] {
  try {
    validateManifest({ name, version: '0.1.0', entryPoint: './dist/index.js' });
    return [];
  } catch (error) {
    const problems = getManifestIssues(error)
      .filter((issue) => issue.path === 'name')
      .map((issue) => issue.message);
    if (problems.length > 0) return problems;
    throw error;
  }
}
