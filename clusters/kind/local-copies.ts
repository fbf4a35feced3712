import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The cache `npm run images` (images/from-source) builds into, as the kind path reads it: files it would otherwise
 * download, and CNI images as docker-archives. Here, not in images/, because the kind provider reads it (a layer calls down).
 */

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

/**
 * The text of the local build of `url`, checked against the sha256 written beside it; undefined where `npm run images`
 * never made one (a user's laptop: the plan fetches the URL there).
 */
export function readLocalCopy(url: string, cache = defaultCache): string | undefined {
  const copy = localCopy(url, cache);
  if (!copy) return undefined;
  const bytes = readFileSync(copy.file);
  const expected = readFileSync(copy.sha256File, 'utf8').trim().split(/\s+/)[0];
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) throw new Error(`failed to verify ${copy.file}: sha256 ${actual}, ${copy.sha256File} says ${expected}; run npm run images again`);
  return bytes.toString('utf8');
}

/** The docker-archive `npm run images` saved of a Cilium image built here (images/from-source/cilium-build.ts). */
export function ciliumArchivePath(image: string, cache = defaultCache): string {
  return join(cache, 'cilium-archives', `${image.replace(/[/:]/g, '_')}.tar`);
}

/**
 * Where `npm run images` keeps the Cilium chart's source folder (install/kubernetes/cilium of the cilium module at the
 * chart's tag): under the repository's host, by chart and version.
 */
export function localChartPath(repo: string, chart: string, version: string, cache = defaultCache): string {
  return join(cache, 'offline', new URL(repo).host, `${chart}-${version}`);
}

/**
 * Whether kind runs may install Cilium from what `npm run images` built (chart folder, images): an opt-in while those
 * runs are being proven, so that a machine with the builds (CI included) keeps skipping the kind/cilium-* profiles.
 */
export const ciliumFromSourceOptIn = 'CNC_KIND_CILIUM_FROM_SOURCE';
export const ciliumFromSourceAllowed = (): boolean => process.env[ciliumFromSourceOptIn] === '1';

/** The chart folder when `npm run images` made one (its Chart.yaml present), else undefined. */
export function localChart(repo: string, chart: string, version: string, cache = defaultCache): string | undefined {
  const dir = localChartPath(repo, chart, version, cache);
  return existsSync(join(dir, 'Chart.yaml')) ? dir : undefined;
}
