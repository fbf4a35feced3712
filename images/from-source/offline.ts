import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cniImages } from './catalog.ts';

/** Where `npm run images` keeps what it builds. */
export const defaultCache = join(process.env['HOME'] ?? '/root', '.cache/cni-conformance/from-source');

/**
 * Where a local build of a file the kind path otherwise downloads is kept: `<cache>/offline/<host>/<path>` of its URL,
 * so the version in the URL is in the path too. A `.sha256` beside it holds sha256sum's line, as the release's does.
 */
export function localCopyPath(url: string, cache = defaultCache): string {
  const u = new URL(url);
  return join(cache, 'offline', u.host, u.pathname);
}

/** The docker-archive of a CNI image built here (for `kind load image-archive`). */
export function imageArchivePath(image: string, cache = defaultCache): string {
  return join(cache, 'cni-archives', `${image.replace(/[/:]/g, '_')}.tar`);
}

export interface LocalCopy { file: string; sha256File: string }

/** The local build of `url` with its .sha256, or undefined when `npm run images` has not made one. */
export function localCopy(url: string, cache = defaultCache): LocalCopy | undefined {
  const file = localCopyPath(url, cache);
  const sha256File = `${file}.sha256`;
  return existsSync(file) && existsSync(sha256File) ? { file, sha256File } : undefined;
}

export interface LocalSources {
  /** URL -> local build, for each of `urls` that has one. */
  files: Record<string, LocalCopy>;
  /** Image name -> docker-archive, for each image of the CNI that was built here. */
  images: Record<string, string>;
}

/**
 * What `npm run images` left for a CNI: local builds of the given URLs (the CNI plugins archive, kube-flannel.yml) and
 * the CNI's images as docker-archives. Empty on a machine that never built them (a user's laptop): use the URLs and
 * registries there.
 */
export function localSources(cni: string, urls: readonly string[], cache = defaultCache): LocalSources {
  const files: Record<string, LocalCopy> = {};
  for (const url of urls) {
    const copy = localCopy(url, cache);
    if (copy) files[url] = copy;
  }
  const images: Record<string, string> = {};
  for (const image of cniImages[cni] ?? []) {
    const archive = imageArchivePath(image.name, cache);
    if (existsSync(archive)) images[image.name] = archive;
  }
  return { files, images };
}
