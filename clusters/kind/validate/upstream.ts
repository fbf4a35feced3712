import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** ../shared/upstream relative to the project root (override with UPSTREAM_DIR). */
export const upstreamRoot = process.env['UPSTREAM_DIR'] ?? fileURLToPath(new URL('../../../../shared/upstream/', import.meta.url));

/** Absolute path of an upstream reference file, or undefined when the shared folder is absent. */
export function upstreamPath(rel: string): string | undefined {
  const path = `${upstreamRoot.replace(/\/$/, '')}/${rel}`;
  return existsSync(path) ? path : undefined;
}

/** Why upstream-backed checks cannot run, or undefined when every file they read is present. */
export function upstreamMissing(rels: readonly string[]): string | undefined {
  const missing = rels.filter((rel) => !upstreamPath(rel));
  return missing.length === 0 ? undefined : `upstream reference files absent under ${upstreamRoot}: ${missing.join(', ')}`;
}

export function readUpstream(rel: string): string {
  const path = upstreamPath(rel);
  if (!path) throw new Error(`failed to read upstream file "${rel}": not found under ${upstreamRoot}; mount ../shared/upstream or set UPSTREAM_DIR`);
  return readFileSync(path, 'utf8');
}
