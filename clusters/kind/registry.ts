/**
 * Asking a registry whether it serves an image, without pulling it and without spending a pull: one HEAD of the
 * manifest, by digest when the reference pins one.
 *
 * Why not `docker manifest inspect name:tag@digest`: docker/cli asks a tagged reference by its tag and only then
 * compares the digest (internal/registryclient/client.go@v29.7.2 getManifestOptionsFromReference: a NamedTagged
 * reference becomes WithTag; fetcher.go@v29.7.2 validateManifestDigest: "manifest verification failed for digest"),
 * so a re-pushed tag refuses a digest that `docker pull` still serves. And it GETs: an index costs one GET for the
 * list and one per platform (cli/command/manifest/inspect.go@v29.7.2 runInspect -> GetManifestList ->
 * fetcher.go pullManifestList), each counted by Docker Hub as a pull, while "Using HEAD won't" count
 * (docker/docs content/manuals/docker-hub/usage/pulls.md@000a96d, "View pull rate and limit").
 */

export interface ImageReference {
  /** Registry host as the engine names it ("docker.io" for Docker Hub). */
  domain: string;
  /** Repository path on the registry ("kindest/node", "library/debian"). */
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * A reference split as docker/cli's reference library does (vendor/github.com/distribution/reference/normalize.go@v29.7.2
 * splitDockerDomain): the first path element is a domain when it is "localhost" or holds "." or ":" or an upper-case
 * letter; otherwise docker.io, with "library/" before single-element names.
 */
export function parseImageReference(image: string): ImageReference {
  const [nameAndTag = '', digest] = image.split('@');
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  const name = colon > slash ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = colon > slash ? nameAndTag.slice(colon + 1) : undefined;
  const [first = '', ...rest] = name.split('/');
  const isDomain = rest.length > 0 && (first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first);
  const domain = isDomain ? (first === 'index.docker.io' ? 'docker.io' : first) : 'docker.io';
  let repository = isDomain ? rest.join('/') : name;
  if (domain === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (!repository) throw new Error(`image "${image}": no repository name`);
  return { domain, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** "kindest/node:v1.36.1@sha256:..." -> "kindest/node@sha256:...": the digest alone; a reference without one unchanged. */
export function digestReference(image: string): string {
  const [nameAndTag = '', digest] = image.split('@');
  if (!digest) return image;
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  return `${colon > slash ? nameAndTag.slice(0, colon) : nameAndTag}@${digest}`;
}

/** The registry's API host: Docker Hub's is registry-1.docker.io (docker/cli internal/registry/config.go@v29.7.2 DefaultV2Registry). */
function apiHost(domain: string): string {
  return domain === 'docker.io' ? 'registry-1.docker.io' : domain;
}

/**
 * Media types a pull accepts; the HEAD asks for the same so that an index answers as an index
 * (vendor/github.com/docker/distribution/registry/client/repository.go@v29.7.2 adds every ManifestMediaTypes() as Accept).
 */
const manifestMediaTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

/** `Bearer realm="...",service="...",scope="..."` -> its parameters (distribution docs/content/spec/auth/token.md, "How to authenticate"). */
export function parseBearerChallenge(header: string): Record<string, string> | undefined {
  if (!/^Bearer\s/i.test(header)) return undefined;
  return Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; signal: AbortSignal }) => Promise<{ status: number; headers: { get(name: string): string | null }; json(): Promise<unknown> }>;

/**
 * Undefined when the registry serves the manifest (a HEAD answered 200, and for a digest reference with that digest),
 * else why not. An anonymous registry answers 401 with a Bearer challenge: the token comes from its realm (a GET of the
 * token service, not of a manifest) and the HEAD is asked again (distribution docs/content/spec/auth/token.md).
 */
export async function registryServes(image: string, timeoutMs: number, fetchImpl: Fetch = fetch as unknown as Fetch): Promise<string | undefined> {
  const ref = parseImageReference(image);
  const reference = ref.digest ?? ref.tag ?? 'latest';
  const url = `https://${apiHost(ref.domain)}/v2/${ref.repository}/manifests/${reference}`;
  const signal = AbortSignal.timeout(timeoutMs);
  const head = (auth?: string) => fetchImpl(url, { method: 'HEAD', headers: { Accept: manifestMediaTypes.join(', '), ...(auth ? { Authorization: auth } : {}) }, signal });
  try {
    let answer = await head();
    if (answer.status === 401) {
      const challenge = parseBearerChallenge(answer.headers.get('www-authenticate') ?? '');
      if (!challenge?.['realm']) return `HEAD ${url}: 401 without a Bearer challenge`;
      const tokenUrl = new URL(challenge['realm']);
      if (challenge['service']) tokenUrl.searchParams.set('service', challenge['service']);
      tokenUrl.searchParams.set('scope', challenge['scope'] ?? `repository:${ref.repository}:pull`);
      const tokenAnswer = await fetchImpl(tokenUrl.toString(), { method: 'GET', headers: {}, signal });
      if (tokenAnswer.status !== 200) return `token service ${tokenUrl.origin}: HTTP ${tokenAnswer.status}`;
      const body = await tokenAnswer.json() as { token?: string; access_token?: string };
      const token = body.token ?? body.access_token;
      if (!token) return `token service ${tokenUrl.origin}: no token in its answer`;
      answer = await head(`Bearer ${token}`);
    }
    if (answer.status !== 200) return `HEAD ${url}: HTTP ${answer.status}${answer.status === 404 ? ' (not served)' : ''}`;
    const served = answer.headers.get('docker-content-digest');
    if (ref.digest && served && served !== ref.digest) return `HEAD ${url}: the registry answers digest ${served}`;
    return undefined;
  } catch (error) {
    if (signal.aborted) return `no answer from ${apiHost(ref.domain)} within ${timeoutMs / 1000}s${proxyHint()}`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return `HEAD ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}${proxyHint()}`;
  }
}

/**
 * Node's fetch ignores HTTPS_PROXY unless NODE_USE_ENV_PROXY=1 (or --use-env-proxy) was set at start-up (nodejs/node
 * doc/api/cli.md, "NODE_USE_ENV_PROXY=1", commit ada34bd): where a proxy is configured, the reason says how to use it.
 */
export function proxyHint(env: Record<string, string | undefined> = process.env, execArgv: string[] = process.execArgv): string {
  const proxy = env['HTTPS_PROXY'] ?? env['https_proxy'];
  if (!proxy || env['NODE_USE_ENV_PROXY'] === '1' || execArgv.includes('--use-env-proxy')) return '';
  return `; HTTPS_PROXY is set but Node's fetch does not use it: run with NODE_USE_ENV_PROXY=1`;
}
