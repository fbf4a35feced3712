import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { debianMirror } from '../../clusters/lab/image.ts';
import { versions } from '../../versions.ts';
import { type ComponentImage, controlPlaneImages, imageSets, modulesOf, nodeImageName, sourceLabels } from './catalog.ts';
import { buildGoRecipe, downloadModule, type GoBuildResult } from './go-build.ts';
import { type GoRecipeId, goRecipes } from './recipes.ts';

export const here = new URL('.', import.meta.url).pathname;
export { defaultCache } from './offline.ts';

/** kind images/base/Dockerfile@v0.32.0:80-85: the base image's apt packages. */
export const kindBasePackages = [
  'systemd', 'conntrack', 'iptables', 'nftables', 'iproute2', 'ethtool', 'util-linux', 'mount', 'kmod',
  'libseccomp2', 'pigz', 'fuse-overlayfs', 'nfs-common', 'open-iscsi', 'e2fsprogs', 'bash', 'ca-certificates',
  'curl', 'jq', 'procps',
];
/** kube-proxy and flanneld images: iptables (legacy and nft), conntrack, ipset, iproute2, as upstream's distroless-iptables and flannel images/Dockerfile@v0.28.9:44-46 carry. */
export const iptablesPackages = ['iptables', 'nftables', 'conntrack', 'ipset', 'iproute2', 'ca-certificates'];
/**
 * Stand-in for nicolaka/netshoot (versions.testImages): the clients the harness's probes run (helpers/probes/traffic.ts:
 * iputils ping, curl, socat, iproute2, iptables; perl for udp-name-server.ts) from Debian instead of netshoot's Alpine.
 */
export const probePackages = ['iproute2', 'iputils-ping', 'curl', 'socat', 'perl', 'iptables', 'procps', 'ca-certificates', 'tcpdump'];

export interface Step { what: string; how: 'built' | 'reused'; seconds: number; detail?: string }
export type Log = (line: string) => void;

export const hashOf = (...parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 12);
export const timer = () => { const t = performance.now(); return () => Math.round((performance.now() - t) / 100) / 10; };

export async function sh(script: string, env: Record<string, string>, log: Log): Promise<string> {
  const r = await execa('bash', [join(here, script)], { env, reject: false, all: true });
  for (const line of String(r.all).split('\n').slice(-5)) if (line) log(`  ${line}`);
  if (r.exitCode !== 0) throw new Error(`failed to run images/from-source/${script}: ${String(r.all).slice(-3000)}`);
  return String(r.stdout);
}

/** The build-hash label of a local podman image, or undefined when the image is absent. */
export async function imageHash(name: string): Promise<string | undefined> {
  const r = await execa('podman', ['image', 'inspect', '--format', '{{index .Labels "io.cni-conformance.build-hash"}}', name], { reject: false });
  return r.exitCode === 0 ? String(r.stdout).trim() : undefined;
}

/** A debootstrapped rootfs, kept as a tarball keyed by suite and packages. */
export async function rootfsTar(cache: string, name: string, packages: string[], log: Log, steps: Step[]): Promise<string> {
  const tar = join(cache, 'rootfs', `${name}-${hashOf(versions.fromSource.debianSuite, packages)}.tar`);
  const done = timer();
  if (existsSync(tar)) { steps.push({ what: `rootfs ${name}`, how: 'reused', seconds: done() }); return tar; }
  mkdirSync(join(cache, 'rootfs'), { recursive: true });
  const dir = `${tar}.d`;
  log(`debootstrap ${name}: ${packages.join(' ')}`);
  await execa('rm', ['-rf', dir]);
  const r = await execa('nice', ['-n', '19', 'debootstrap', '--variant=minbase', `--include=${packages.join(',')}`,
    versions.fromSource.debianSuite, dir, await debianMirror()], { reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`failed to debootstrap ${name}: ${String(r.all).slice(-2000)}`);
  await execa('sh', ['-c', 'rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/archives/*.deb && tar -C "$1" -cf "$2.tmp" . && mv "$2.tmp" "$2" && rm -rf "$1"', 'sh', dir, tar]);
  steps.push({ what: `rootfs ${name}`, how: 'built', seconds: done() });
  return tar;
}

/** Builds the Go binaries an image set needs; returns each recipe's bin dir. */
export async function goBinaries(ids: GoRecipeId[], cache: string, log: Log, steps: Step[]): Promise<Record<string, GoBuildResult>> {
  const out: Record<string, GoBuildResult> = {};
  for (const id of ids) {
    const r = await buildGoRecipe(goRecipes[id], cache, log);
    steps.push({ what: `go ${goRecipes[id].module}@${goRecipes[id].version}`, how: r.reused ? 'reused' : 'built', seconds: r.seconds });
    out[id] = r;
  }
  return out;
}

/** kubernetes build/pause/Makefile@v1.36.1:49: gcc -Os -Wall -Werror -static -DVERSION=v$(TAG)-$(REV), from linux/pause.c. */
async function buildPause(cache: string): Promise<string> {
  const k = await downloadModule('k8s.io/kubernetes', versions.fromSource.kubernetes.module);
  const makefile = readFileSync(join(k.Dir, 'build/pause/Makefile'), 'utf8');
  const tag = /^TAG \?= (\S+)/m.exec(makefile)?.[1];
  if (!tag) throw new Error('failed to read TAG from build/pause/Makefile');
  const dir = join(cache, 'bin', `pause-${tag}`);
  mkdirSync(dir, { recursive: true });
  await execa('gcc', ['-Os', '-Wall', '-Werror', '-static', `-DVERSION=v${tag}-${k.commit.slice(0, 7)}`,
    '-o', join(dir, 'pause'), join(k.Dir, 'build/pause/linux/pause.c')]);
  return dir;
}

/** Where an image's files come from: each recipe's bin dir, 'pause', and for CNI images 'flannelModule' and 'here'. */
export async function componentImage(image: ComponentImage, binDirs: Record<string, string>, bases: { iptables: string; ca: string; busybox?: string },
  archives: string, log: Log, steps: Step[]): Promise<string> {
  const done = timer();
  const modules = modulesOf(image.files);
  const files = image.files.map((f) => `${join(binDirs[f.from]!, f.binary)}:${f.dest}:0755`);
  const busybox = image.base === 'busybox' ? bases.busybox : undefined;
  if (image.base === 'busybox' && !busybox) throw new Error(`image ${image.name}: no busybox given for its base`);
  const contents = [...files.map((f) => f.split(':')[0]!), ...(busybox ? [busybox] : [])]
    .map((f) => createHash('sha256').update(readFileSync(f)).digest('hex'));
  const hash = hashOf(image, contents, modules);
  const archive = join(archives, `${image.name.replace(/[/:]/g, '_')}.tar`);
  if ((await imageHash(image.name)) === hash && existsSync(archive)) { steps.push({ what: image.name, how: 'reused', seconds: done() }); return hash; }
  log(`image ${image.name}`);
  await sh('component-image.sh', {
    IMAGE: image.name, FILES: files.join('\n'), ENTRYPOINT: JSON.stringify(image.entrypoint), USER_ID: image.user ?? '',
    BASE_TAR: image.base === 'iptables' ? bases.iptables : '', CA_FROM: bases.ca, ARCHIVE: archive, BUSYBOX: busybox ?? '',
    CMD: image.cmd ? JSON.stringify(image.cmd) : '', LINKS: Object.entries(image.links ?? {}).map(([p, t]) => `${p}:${t}`).join('\n'),
    LABELS: [...sourceLabels(modules, image.differs), `io.cni-conformance.build-hash=${hash}`].join('\n'),
  }, log);
  steps.push({ what: image.name, how: 'built', seconds: done() });
  return hash;
}

export interface NodeBuild { image: string; steps: Step[]; probes: Record<string, string> }

/** Everything a kind profile needs: the node image with kind's base, Kubernetes and the control-plane images inside. */
export async function buildKindNode(cache: string, log: Log): Promise<NodeBuild> {
  const steps: Step[] = [];
  log(await sh('podman-host.sh', {}, log));
  const nodeRootfs = await rootfsTar(cache, 'kind-base', kindBasePackages, log, steps);
  const iptablesRootfs = await rootfsTar(cache, 'iptables', iptablesPackages, log, steps);
  const built = await goBinaries([...imageSets.node.recipes], cache, log, steps);
  const binDirs: Record<string, string> = Object.fromEntries(Object.entries(built).map(([id, r]) => [id, r.binDir]));
  binDirs.pause = await buildPause(cache);
  binDirs.here = here;
  const kind = await downloadModule('sigs.k8s.io/kind', versions.kind.kind);

  const caDir = join(cache, 'rootfs', 'ca');
  await execa('sh', ['-c', 'mkdir -p "$1" && tar -C "$1" -xf "$2" ./etc/ssl/certs/ca-certificates.crt', 'sh', caDir, nodeRootfs]);
  const archives = join(cache, 'archives');
  const componentHashes: string[] = [];
  for (const image of controlPlaneImages) componentHashes.push(await componentImage(image, binDirs, { iptables: iptablesRootfs, ca: caDir }, archives, log, steps));

  // kind's base image, assembled from the debootstrapped rootfs and kind's files/ in the module cache.
  const baseModules = Object.fromEntries(['containerd', 'runc', 'crictl', 'cniPlugins'].map((id) => [goRecipes[id as GoRecipeId].module, goRecipes[id as GoRecipeId].version]));
  baseModules['sigs.k8s.io/kind'] = versions.kind.kind;
  const baseHash = hashOf(nodeRootfs, baseModules, readFileSync(join(here, 'node-base.sh'), 'utf8'));
  const baseImage = `localhost/cni-conformance/kind-base:${baseHash}`;
  let done = timer();
  if ((await imageHash(baseImage)) !== baseHash) {
    const bin = join(cache, 'bin', 'node-base');
    await execa('sh', ['-c', `mkdir -p "$1" && cp -f ${['containerd', 'runc', 'crictl', 'cniPlugins'].map((id) => `"${built[id]!.binDir}"/*`).join(' ')} "$1"/`, 'sh', bin]);
    log(`image ${baseImage} (kind images/base recipe)`);
    await sh('node-base.sh', { ROOTFS_TAR: nodeRootfs, KIND_DIR: kind.Dir, BIN: bin, IMAGE: baseImage,
      LABELS: [...sourceLabels(baseModules), `io.cni-conformance.build-hash=${baseHash}`].join('\n') }, log);
    steps.push({ what: baseImage, how: 'built', seconds: done() });
  } else steps.push({ what: baseImage, how: 'reused', seconds: done() });

  const probes = Object.fromEntries((await sh('probe-host.sh', { IMAGE: baseImage }, () => {}))
    .split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  if (probes.privileged_run !== 'ok') throw new Error(`failed to run a privileged podman container: ${probes.privileged_run}`);
  const oomRestrict = probes.oom_negative !== 'ok';

  const nodeModules = { ...baseModules, ...modulesOf(controlPlaneImages.flatMap((i) => i.files)) };
  const kubeBins = ['kubeadm', 'kubelet', 'kubectl'].map((b) => createHash('sha256').update(readFileSync(join(built.kubernetes!.binDir, b))).digest('hex'));
  const nodeHash = hashOf(baseHash, oomRestrict, componentHashes, kubeBins, readFileSync(join(here, 'node-image.sh'), 'utf8'));
  done = timer();
  if ((await imageHash(nodeImageName)) !== nodeHash) {
    log(`image ${nodeImageName}`);
    await sh('node-image.sh', { BASE: baseImage, IMAGE: nodeImageName, KUBE_BIN: built.kubernetes!.binDir,
      KUBE_VERSION: versions.fromSource.kubernetes.module, ARCHIVES: archives, OOM_RESTRICT: String(oomRestrict),
      LABELS: [...sourceLabels(nodeModules), `io.cni-conformance.build-hash=${nodeHash}`].join('\n') }, log);
    steps.push({ what: nodeImageName, how: 'built', seconds: done() });
  } else steps.push({ what: nodeImageName, how: 'reused', seconds: done() });
  return { image: nodeImageName, steps, probes };
}

/** The probe image under the name the harness runs (versions.testImages.netshoot), with netshoot's clients from Debian. */
export const probeImageName = `docker.io/${versions.testImages.netshoot}`;

/** Builds the probe image (and its docker-archive for `kind load image-archive`) unless built from the same inputs. */
export async function buildProbeImage(cache: string, log: Log): Promise<{ image: string; archive: string; steps: Step[] }> {
  const steps: Step[] = [];
  const rootfs = await rootfsTar(cache, 'probe', probePackages, log, steps);
  const archive = join(cache, 'test-archives', `${probeImageName.replace(/[/:]/g, '_')}.tar`);
  const hash = hashOf(rootfs, probePackages, readFileSync(join(here, 'component-image.sh'), 'utf8'));
  const done = timer();
  if ((await imageHash(probeImageName)) === hash && existsSync(archive)) {
    steps.push({ what: probeImageName, how: 'reused', seconds: done() });
  } else {
    log(`image ${probeImageName} (Debian ${versions.fromSource.debianSuite}: ${probePackages.join(' ')})`);
    await sh('component-image.sh', {
      // netshoot's CMD is zsh (nicolaka/netshoot Dockerfile@00ca54c, not in this image); the harness's pods give their own command, sleep keeps a bare pod up.
      IMAGE: probeImageName, BASE_TAR: rootfs, CA_FROM: '/', ARCHIVE: archive, CMD: '["sleep","infinity"]',
      LABELS: ['io.cni-conformance.built-from-source=true', `io.cni-conformance.source-debian=${versions.fromSource.debianSuite}:${probePackages.join(',')}`,
        'io.cni-conformance.stand-in-for=nicolaka/netshoot', `io.cni-conformance.build-hash=${hash}`].join('\n'),
    }, log);
    steps.push({ what: probeImageName, how: 'built', seconds: done() });
  }
  return { image: probeImageName, archive, steps };
}

/**
 * kind and kubectl at their pins (versions.kind), built from their modules and linked into `<cache>/tools`, the folder
 * to put first on PATH: the kind provider takes host tools only at their pinned versions (clusters/kind/tools.ts).
 */
export async function installTools(cache: string, log: Log, steps: Step[]): Promise<string> {
  const built = await goBinaries(['kind', 'kubernetes'], cache, log, steps);
  for (const [id, binary] of [['kind', 'kind'], ['kubernetes', 'kubectl']] as const) await linkTool(cache, join(built[id]!.binDir, binary));
  return toolsDir(cache);
}

/** The folder of host tools built at their pins, to put first on PATH. */
export const toolsDir = (cache: string) => join(cache, 'tools');

/** Links a built binary into the tools folder under its own name. */
export async function linkTool(cache: string, binary: string): Promise<void> {
  mkdirSync(toolsDir(cache), { recursive: true });
  await execa('ln', ['-sfn', binary, join(toolsDir(cache), basename(binary))]);
}
