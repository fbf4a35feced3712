import { existsSync } from 'node:fs';
import { cniImages } from './catalog.ts';
import { defaultCache, imageArchivePath, localCopy, type LocalCopy } from '../../clusters/kind/local-copies.ts';

export { defaultCache, imageArchivePath, localCopy, localCopyPath, type LocalCopy } from '../../clusters/kind/local-copies.ts';

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
