import { readFileSync } from 'node:fs';

/**
 * Reads the `version` of a package.json, or `0.0.0` when it has none. A CLI
 * passes its own: `new URL('../package.json', import.meta.url)` (the same
 * path from src/ and dist/).
 *
 * @param packageJson - the package.json to read
 */
export function readPackageVersion(packageJson: URL | string): string {
  const pkg: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
  const version =
    typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  return typeof version === 'string' ? version : '0.0.0';
}
