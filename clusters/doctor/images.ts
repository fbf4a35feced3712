import type { Finding } from './types.ts';

/** What `docker manifest inspect` (no --verbose) prints: a manifest list, or one image manifest with its layers (docker/cli cli/command/manifest/inspect.go@v29.7.2). */
export type Manifest =
  | { kind: 'list'; platforms: Array<{ os?: string; architecture?: string; digest: string }> }
  | { kind: 'image'; layerBytes: number }
  | { kind: 'unparsed'; text: string };

interface ManifestJson {
  manifests?: Array<{ digest?: string; platform?: { os?: string; architecture?: string } }>;
  layers?: Array<{ size?: number }>;
}

export function parseManifest(text: string): Manifest {
  let json: ManifestJson;
  try { json = JSON.parse(text) as ManifestJson; } catch { return { kind: 'unparsed', text: text.slice(0, 200) }; }
  if (Array.isArray(json.manifests)) {
    return { kind: 'list', platforms: json.manifests.flatMap((m) => (m.digest ? [{ digest: m.digest, ...(m.platform?.os ? { os: m.platform.os } : {}), ...(m.platform?.architecture ? { architecture: m.platform.architecture } : {}) }] : [])) };
  }
  if (Array.isArray(json.layers)) return { kind: 'image', layerBytes: json.layers.reduce((sum, l) => sum + (l.size ?? 0), 0) };
  return { kind: 'unparsed', text: text.slice(0, 200) };
}

/** "kindest/node:v1.36.1@sha256:..." -> "kindest/node"; keeps a registry port ("localhost:5000/x:1" -> "localhost:5000/x"). */
export function repositoryOf(ref: string): string {
  const noDigest = ref.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export interface ImageFacts {
  image: string;
  /** What it is for, e.g. "kind node image". */
  role: string;
  /** Bytes of the local image (docker image inspect .Size), when present. */
  localBytes?: number;
  /** Registry answer, when asked: compressed bytes for this platform, or why not. */
  registry?: { pullable: true; compressedBytes?: number } | { pullable: false; error: string };
  /** Not needed on this machine (e.g. the toolbox base image when the host has every tool). */
  optional?: boolean;
}

const mb = (b: number) => `${Math.round(b / 1e6)} MB`;

export function imageFindings(facts: ImageFacts): Finding {
  const check = `image ${facts.image}`;
  if (facts.localBytes !== undefined) return { check, status: 'ok', detail: `${facts.role}: present locally (${mb(facts.localBytes)})` };
  if (!facts.registry) return { check, status: 'info', detail: `${facts.role}: not present locally; registry not asked (--offline)` };
  if (facts.registry.pullable) {
    const size = facts.registry.compressedBytes === undefined ? 'size unknown' : `${mb(facts.registry.compressedBytes)} to download`;
    return { check, status: 'ok', detail: `${facts.role}: not present, pullable (${size})` };
  }
  return {
    check,
    status: facts.optional ? 'info' : 'fail',
    detail: `${facts.role}: neither present nor pullable (${facts.registry.error})${facts.optional ? '; not needed while the host has every tool' : ''}`,
    fix: facts.image.includes('@sha256:')
      // A save/load copy keeps tags, not the registry digest this reference names (RepoDigests come from a pull).
      ? `docker pull ${facts.image} on this machine once a registry is reachable (or through a registry mirror: dockerd --registry-mirror)`
      : `docker pull ${facts.image} where a registry is reachable, then carry it over: docker save ${facts.image} | docker load`,
  };
}
