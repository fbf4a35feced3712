import { describe, expect, it } from 'vitest';
import { versions } from '../../versions.ts';
import { digestReference, parseBearerChallenge, parseImageReference, proxyHint, registryServes, type Fetch } from './registry.ts';

const digest = versions.kind.nodeImage.split('@')[1]!;

describe('image references as docker/cli splits them', () => {
  it('Docker Hub names, official images, other registries', () => {
    expect(parseImageReference(versions.kind.nodeImage)).toEqual({ domain: 'docker.io', repository: 'kindest/node', tag: 'v1.36.1', digest });
    expect(parseImageReference('debian:bookworm-20250520-slim')).toEqual({ domain: 'docker.io', repository: 'library/debian', tag: 'bookworm-20250520-slim' });
    expect(parseImageReference('quay.io/cilium/cilium:v1.20.0')).toMatchObject({ domain: 'quay.io', repository: 'cilium/cilium' });
    expect(parseImageReference('localhost:5000/calico/node:v3.32.1')).toMatchObject({ domain: 'localhost:5000', repository: 'calico/node', tag: 'v3.32.1' });
    expect(parseImageReference('index.docker.io/nicolaka/netshoot:v0.16')).toMatchObject({ domain: 'docker.io', repository: 'nicolaka/netshoot' });
  });

  it('the digest alone: the tag goes, so a re-pushed tag cannot fail the check', () => {
    expect(digestReference(versions.kind.nodeImage)).toBe(`kindest/node@${digest}`);
    expect(digestReference('localhost:5000/x:1@sha256:ab')).toBe('localhost:5000/x@sha256:ab');
    expect(digestReference('debian:bookworm')).toBe('debian:bookworm');
  });

  it('reads a Bearer challenge (distribution token.md example)', () => {
    expect(parseBearerChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"'))
      .toEqual({ realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' });
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
  });
});

/** A fake Docker Hub: the registry answers 401 with a challenge until a token comes, then 200 for the pinned digest. */
function hub(served: Record<string, string>) {
  const calls: Array<{ method: string; url: string; auth?: string }> = [];
  const fetchImpl: Fetch = async (url, init) => {
    calls.push({ method: init.method, url, ...(init.headers['Authorization'] ? { auth: init.headers['Authorization'] } : {}) });
    const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });
    if (url.startsWith('https://auth.docker.io/token')) return { status: 200, headers: headers({}), json: async () => ({ token: 'T' }) };
    if (!init.headers['Authorization']) {
      return { status: 401, headers: headers({ 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:kindest/node:pull"' }), json: async () => ({}) };
    }
    const path = new URL(url).pathname;
    return served[path] ? { status: 200, headers: headers({ 'docker-content-digest': served[path]! }), json: async () => ({}) } : { status: 404, headers: headers({}), json: async () => ({}) };
  };
  return { fetchImpl, calls };
}

describe('asking a registry without spending a pull', () => {
  it('one HEAD of the manifest by digest (after the anonymous token): never by tag, never a GET of a manifest', async () => {
    const { fetchImpl, calls } = hub({ [`/v2/kindest/node/manifests/${digest}`]: digest });
    expect(await registryServes(versions.kind.nodeImage, 5000, fetchImpl)).toBeUndefined();
    expect(calls.filter((c) => c.url.includes('/manifests/'))).toEqual([
      { method: 'HEAD', url: `https://registry-1.docker.io/v2/kindest/node/manifests/${digest}` },
      { method: 'HEAD', url: `https://registry-1.docker.io/v2/kindest/node/manifests/${digest}`, auth: 'Bearer T' },
    ]);
    expect(calls.find((c) => c.url.includes('auth.docker.io'))?.url).toBe('https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Akindest%2Fnode%3Apull');
  });

  it('a tag the registry re-pushed does not matter; a digest it does not serve is named', async () => {
    const { fetchImpl } = hub({ '/v2/kindest/node/manifests/v1.36.1': 'sha256:repushed' });
    expect(await registryServes(versions.kind.nodeImage, 5000, fetchImpl)).toBe(`HEAD https://registry-1.docker.io/v2/kindest/node/manifests/${digest}: HTTP 404 (not served)`);
  });

  it('behind a proxy Node\'s fetch does not use, the reason says how to make it', () => {
    expect(proxyHint({ HTTPS_PROXY: 'http://proxy:3128' }, [])).toBe('; HTTPS_PROXY is set but Node\'s fetch does not use it: run with NODE_USE_ENV_PROXY=1');
    expect(proxyHint({ https_proxy: 'http://proxy:3128', NODE_USE_ENV_PROXY: '1' }, [])).toBe('');
    expect(proxyHint({ HTTPS_PROXY: 'http://proxy:3128' }, ['--use-env-proxy'])).toBe('');
    expect(proxyHint({}, [])).toBe('');
  });

  it('no registry: the network error, or the deadline, is the reason', async () => {
    const refused: Fetch = async () => { throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }); };
    expect(await registryServes(versions.kind.nodeImage, 5000, refused)).toMatch(/: ENOTFOUND(;|$)/);
    const hung: Fetch = (_url, init) => new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    expect(await registryServes(versions.kind.nodeImage, 50, hung)).toMatch(/^no answer from registry-1\.docker\.io within 0\.05s/);
  });
});
