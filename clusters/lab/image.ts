import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { versions } from '../../versions.ts';
import { docker, dockerOrThrow } from '../docker.ts';

const dockerfilePath = new URL('../../images/lab/Dockerfile', import.meta.url);
const repository = 'cni-conformance/lab-node';

/** The lab image tag: a hash of everything that goes into it, so a change rebuilds and a match reuses. */
export function labImageTag(): string {
  const hash = createHash('sha256')
    .update(readFileSync(dockerfilePath))
    .update(JSON.stringify(versions.lab))
    .digest('hex')
    .slice(0, 12);
  return `${repository}:${hash}`;
}

export interface ImageBuild {
  tag: string;
  how: 'reused' | 'dockerfile' | 'debootstrap';
  seconds: number;
}

/** Returns the lab image, building it when absent: Dockerfile when the base image can be had, else debootstrap. */
export async function ensureLabImage(log: (line: string) => void = () => {}): Promise<ImageBuild> {
  const tag = labImageTag();
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  if ((await docker(['image', 'inspect', tag])).exitCode === 0) return { tag, how: 'reused', seconds: seconds() };

  if (await baseImageAvailable()) {
    log(`building ${tag} from images/lab/Dockerfile`);
    await dockerOrThrow([
      'build', '-t', tag,
      '--build-arg', `BASE_IMAGE=${versions.lab.debianBaseImage}`,
      '--build-arg', `PACKAGES=${versions.lab.packages.join(' ')}`,
      '-f', dockerfilePath.pathname, join(dockerfilePath.pathname, '..'),
    ]);
    return { tag, how: 'dockerfile', seconds: seconds() };
  }
  log(`building ${tag} offline with debootstrap (base image ${versions.lab.debianBaseImage} cannot be pulled)`);
  await buildWithDebootstrap(tag);
  return { tag, how: 'debootstrap', seconds: seconds() };
}

async function baseImageAvailable(): Promise<boolean> {
  const base = versions.lab.debianBaseImage;
  if ((await docker(['image', 'inspect', base])).exitCode === 0) return true;
  return (await docker(['pull', '-q', base], { timeout: 60_000 })).exitCode === 0;
}

async function buildWithDebootstrap(tag: string): Promise<void> {
  const mirror = await debianMirror();
  const which = await execa('sh', ['-c', 'command -v debootstrap'], { reject: false });
  if (which.exitCode !== 0 || (process.getuid?.() ?? 1) !== 0) {
    throw new Error(
      `failed to build lab image ${tag}: the base image ${versions.lab.debianBaseImage} cannot be pulled and the offline build ` +
        'needs root and debootstrap (apt-get install debootstrap), or build images/lab/Dockerfile where a registry is reachable',
    );
  }
  const rootfs = await mkdtemp(join(tmpdir(), 'cni-conformance-rootfs-'));
  try {
    const run = await execa('debootstrap', [
      '--variant=minbase', `--include=${versions.lab.packages.join(',')}`,
      versions.lab.debianSuite, rootfs, mirror,
    ], { reject: false });
    if (run.exitCode !== 0) throw new Error(`failed to debootstrap ${versions.lab.debianSuite} from ${mirror}: ${String(run.stderr).slice(-2000)}`);
    await execa('sh', ['-c', 'rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/archives/*.deb', 'sh', rootfs]);
    const tar = execa('tar', ['-C', rootfs, '-c', '.'], { buffer: false });
    const imported = execa('docker', ['import', '--change', 'CMD ["sleep","infinity"]', '-', tag], { reject: false });
    tar.stdout?.pipe(imported.stdin!);
    const [, result] = await Promise.all([tar, imported]);
    if (result.exitCode !== 0) throw new Error(`failed to docker import ${tag}: ${String(result.stderr)}`);
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
}

/** The Debian mirror this machine's apt already uses; never a hard-coded host. */
export async function debianMirror(): Promise<string> {
  const files = ['/etc/apt/sources.list', ...listDir('/etc/apt/sources.list.d').map((f) => join('/etc/apt/sources.list.d', f))];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const mirror = parseDebianMirror(text);
    if (mirror) return mirror;
  }
  throw new Error('failed to find a Debian mirror in /etc/apt/sources.list*: set one up for apt, or build images/lab/Dockerfile');
}

/** Finds the first Debian archive URI (not the security archive) in a one-line or deb822 sources file. */
export function parseDebianMirror(text: string): string | undefined {
  const uris = [
    ...[...text.matchAll(/^URIs:\s*(\S+)/gim)].map((m) => m[1]),
    ...[...text.matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/gim)].map((m) => m[1]),
  ];
  return uris.find((uri): uri is string => !!uri && /\/debian\/?$/.test(uri) && !/security/.test(uri));
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.list') || f.endsWith('.sources'));
  } catch {
    return [];
  }
}
