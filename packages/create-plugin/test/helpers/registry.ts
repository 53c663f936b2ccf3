// A registry for the @augment scope on 127.0.0.1 that serves the packed
// tarballs (dist-packages/), as the npm registry will once they are
// published: npm asks it for each package's document, then downloads the
// tarball the document names. Anything else gets a 404.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';

/** One packed package: its name, version, tarball and workspace folder (relative to `root`). */
export interface Pack {
  name: string;
  version: string;
  dir: string;
  tarball: string;
}

/** A running registry: its URL, the paths asked of it, and `close()`. */
export interface LocalRegistry {
  readonly url: string;
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/** The registry's document of one package: its only version, with the tarball's address and digests. */
function packument(pack: Pack, root: string, url: string): string {
  const manifest = JSON.parse(readFileSync(join(root, pack.dir, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const data = readFileSync(pack.tarball);
  const digest = (algorithm: string, encoding: 'hex' | 'base64') =>
    createHash(algorithm).update(data).digest(encoding);
  const version = {
    ...manifest,
    _id: `${pack.name}@${pack.version}`,
    dist: {
      tarball: `${url}tarballs/${basename(pack.tarball)}`,
      shasum: digest('sha1', 'hex'),
      integrity: `sha512-${digest('sha512', 'base64')}`,
    },
  };
  return JSON.stringify({
    name: pack.name,
    'dist-tags': { latest: pack.version },
    versions: { [pack.version]: version },
  });
}

/**
 * Starts the registry for `packs` (the @augment packages).
 *
 * @param root - the repository root, where each pack's `dir` is
 */
export async function startRegistry(packs: readonly Pack[], root: string): Promise<LocalRegistry> {
  const requests: string[] = [];
  let url = '';
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '';
    requests.push(path);
    const name = decodeURIComponent(path.slice(1));
    const pack =
      packs.find((p) => p.name === name) ??
      packs.find((p) => path === `/tarballs/${basename(p.tarball)}`);
    if (pack === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"not found"}');
    } else if (path.startsWith('/tarballs/')) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(readFileSync(pack.tarball));
    } else {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(packument(pack, root, url));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
