import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import { cniPluginsArchive, kubeFlannelUrl } from '../../clusters/kind/cni/flannel.ts';
import { versions } from '../../versions.ts';
import { componentImage, goBinaries, here, iptablesPackages, type Log, rootfsTar, type Step, timer } from './build.ts';
import { cniImages, imageSets } from './catalog.ts';
import { buildGoRecipe, downloadModule } from './go-build.ts';
import { localCopyPath } from './offline.ts';
import { type GoRecipe, goRecipes } from './recipes.ts';

/** Go's name for this machine's architecture, as the release archives spell it. */
export const goArch = process.arch === 'arm64' ? 'arm64' : 'amd64';

/**
 * containernetworking/plugins build_linux.sh@v1.9.1: every directory under plugins/meta, plugins/main and plugins/ipam
 * but `windows` is a plugin named after the directory.
 */
export function releasePlugins(moduleDir: string): string[] {
  return ['meta', 'main', 'ipam'].flatMap((group) => readdirSync(join(moduleDir, 'plugins', group), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'windows').map((d) => `${group}/${d.name}`));
}

/** `sha256sum FILE` run in FILE's folder: what the release's .sha256 holds (release.yaml@v1.9.1:44-46). */
export const sha256Line = (bytes: Buffer, name: string) => `${createHash('sha256').update(bytes).digest('hex')}  ${name}\n`;

function writeWithSha256(file: string, bytes: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  writeFileSync(`${file}.sha256`, sha256Line(bytes, basename(file)));
}

/** Keeps `text` as the local copy of `url` (with its .sha256); true when the copy there was already the same. */
export function keepLocalCopy(url: string, cache: string, text: string): { file: string; reused: boolean } {
  const file = localCopyPath(url, cache);
  const reused = existsSync(file) && existsSync(`${file}.sha256`) && readFileSync(file, 'utf8') === text;
  if (!reused) writeWithSha256(file, Buffer.from(text));
  return { file, reused };
}

/**
 * The CNI plugins release archive at versions.cniPlugins, laid out as containernetworking/plugins
 * .github/workflows/release.yaml@v1.9.1:24-46 makes it: build_linux.sh with CGO_ENABLED=0 and
 * `-extldflags -static -X .../buildversion.BuildVersion=<tag>`, README.md and LICENSE beside the binaries, owned by root,
 * `tar cfzp` of the folder as `.`, and a sha256sum line. Kept where localCopy() finds it for the release URL.
 */
export async function buildCniPluginsArchive(cache: string, log: Log, steps: Step[]): Promise<string> {
  const done = timer();
  const base: GoRecipe = goRecipes.cniPlugins;
  const mod = await downloadModule(base.module, base.version);
  const recipe: GoRecipe = {
    ...base, id: 'cni-plugins-release',
    binaries: releasePlugins(mod.Dir).map((p) => ({ out: p.split('/')[1]!, pkg: `${base.module}/plugins/${p}` })),
    ldflags: (commit) => [...base.ldflags(commit), '-extldflags=-static'],
  };
  const built = await buildGoRecipe(recipe, cache, log);
  const file = localCopyPath(cniPluginsArchive(goArch), cache);
  if (built.reused && existsSync(file) && existsSync(`${file}.sha256`)) {
    steps.push({ what: `${basename(file)} (local build)`, how: 'reused', seconds: done() });
    return file;
  }
  const stage = `${file}.d`;
  await execa('rm', ['-rf', stage]);
  mkdirSync(stage, { recursive: true });
  for (const b of recipe.binaries) await execa('install', ['-m', '0755', join(built.binDir, b.out), stage]);
  for (const doc of ['README.md', 'LICENSE']) await execa('install', ['-m', '0644', join(mod.Dir, doc), stage]);
  const tgz = `${file}.tmp`;
  await execa('tar', ['-C', stage, '--owner=0', '--group=0', '--numeric-owner', '-czpf', tgz, '.']);
  writeWithSha256(file, readFileSync(tgz));
  await execa('rm', ['-rf', stage, tgz]);
  log(`cni plugins archive ${file} (${recipe.binaries.length} plugins)`);
  steps.push({ what: `${basename(file)} (local build)`, how: 'built', seconds: done() });
  return file;
}

/**
 * kube-flannel.yml as flannel's release makes it (Makefile@v0.28.9:188-190 release-manifest, run by
 * .github/workflows/release.yml@v0.28.9:186 and uploaded at :191): newTag set to the tag in
 * Documentation/kustomization/kube-flannel/kustomization.yaml, then `kubectl kustomize` of that folder. kubectl is the
 * one built from k8s.io/kubernetes at the pin. Documentation/kube-flannel.yml is not it: its DaemonSet selector and
 * pod labels lack k8s-app=flannel, which the kustomization's commonLabels adds.
 */
export async function buildKubeFlannelYml(cache: string, log: Log, steps: Step[]): Promise<string> {
  const done = timer();
  const flannel = await downloadModule(goRecipes.flannel.module, goRecipes.flannel.version);
  const kubernetes = await buildGoRecipe(goRecipes.kubernetes, cache, log);
  const dir = join(flannel.Dir, 'Documentation/kustomization/kube-flannel');
  const newTag = /^\s+newTag: (\S+)$/m.exec(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))?.[1];
  if (newTag !== versions.flannel.release) {
    throw new Error(`failed to render kube-flannel.yml: ${dir}/kustomization.yaml has newTag ${newTag ?? '(none)'}, expected ${versions.flannel.release}`);
  }
  const r = await execa(join(kubernetes.binDir, 'kubectl'), ['kustomize', dir], { reject: false });
  if (r.exitCode !== 0) throw new Error(`failed to run kubectl kustomize ${dir}: ${r.stderr}`);
  const images = manifestImages(String(r.stdout));
  const ours = (cniImages.flannel ?? []).map((i) => i.name).sort();
  if (JSON.stringify(images) !== JSON.stringify(ours)) throw new Error(`kube-flannel.yml names ${images.join(', ')}; the images built here are ${ours.join(', ')}`);
  const { file, reused } = keepLocalCopy(kubeFlannelUrl, cache, String(r.stdout));
  steps.push({ what: `${file} (kubectl kustomize of the flannel module)`, how: reused ? 'reused' : 'built', seconds: done() });
  return file;
}

/** Every container image (init containers too) a manifest names, sorted, once each. */
export function manifestImages(manifest: string): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if ((k === 'containers' || k === 'initContainers') && Array.isArray(v)) for (const c of v) found.add(String((c as { image?: unknown }).image));
        else walk(v);
      }
    }
  };
  for (const doc of parseAllDocuments(manifest)) walk(doc.toJS());
  return [...found].sort();
}

/** Debian's static busybox (busybox-static), unpacked once into the cache; `apt-get download` needs apt's lists. */
async function busyboxStatic(cache: string, log: Log): Promise<string> {
  const dir = join(cache, 'debs', 'busybox-static');
  const bin = join(dir, 'root', 'bin', 'busybox');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  log('apt-get download busybox-static');
  const r = await execa('apt-get', ['download', 'busybox-static'], { cwd: dir, reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`failed to apt-get download busybox-static (run apt-get update first): ${r.all}`);
  const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
  await execa('dpkg-deb', ['-x', join(dir, deb!), join(dir, 'root')]);
  return bin;
}

/** A CNI's images built into podman, each also saved as a docker-archive where localSources() finds it. */
export async function buildCniImages(cni: string, cache: string, log: Log): Promise<{ images: string[]; steps: Step[] }> {
  const images = cniImages[cni];
  if (!images) throw new Error(`no images of CNI "${cni}" are built from source; built: ${Object.keys(cniImages).join(', ')}`);
  const steps: Step[] = [];
  const iptables = await rootfsTar(cache, 'iptables', iptablesPackages, log, steps);
  const ca = join(cache, 'rootfs', 'ca-iptables');
  await execa('sh', ['-c', 'mkdir -p "$1" && tar -C "$1" -xf "$2" ./etc/ssl/certs/ca-certificates.crt', 'sh', ca, iptables]);
  const built = await goBinaries([...imageSets.flannel.recipes], cache, log, steps);
  const binDirs: Record<string, string> = Object.fromEntries(Object.entries(built).map(([id, r]) => [id, r.binDir]));
  binDirs['flannelModule'] = (await downloadModule(goRecipes.flannel.module, goRecipes.flannel.version)).Dir;
  binDirs['here'] = here;
  const busybox = images.some((i) => i.base === 'busybox') ? await busyboxStatic(cache, log) : undefined;
  for (const image of images) {
    await componentImage(image, binDirs, { iptables, ca, busybox }, join(cache, 'cni-archives'), log, steps);
  }
  return { images: images.map((i) => i.name), steps };
}

export interface Proof { what: string; output: string }

async function podmanRun(args: string[]): Promise<string> {
  const r = await execa('podman', ['run', '--rm', ...args], { reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`failed to run podman run --rm ${args.join(' ')}: exit ${r.exitCode}: ${r.all}`);
  return String(r.all).trim();
}

/** kube-flannel.yml's cni-conf.json (the kube-flannel-cfg ConfigMap). */
export function cniConf(manifest: string): string {
  for (const doc of parseAllDocuments(manifest)) {
    const o = doc.toJS() as { kind?: string; data?: Record<string, string> } | null;
    const conf = o?.kind === 'ConfigMap' ? o.data?.['cni-conf.json'] : undefined;
    if (conf) return conf;
  }
  throw new Error('failed to find cni-conf.json in kube-flannel.yml');
}

/** The CNI spec version kube-flannel.yml's cni-conf.json asks for (0.3.1 at v0.28.9). */
export const cniConfVersion = (manifest: string) => String((JSON.parse(cniConf(manifest)) as { cniVersion?: unknown }).cniVersion);

/**
 * Runs each flannel image's binary as the manifest runs it and checks what it answers: flanneld's version is the pin
 * (main.go@v0.28.9 prints version.Version for --version); the CNI plugin answers CNI_COMMAND=VERSION
 * (containernetworking/cni pkg/skel/skel.go@v0.8.1) with the cni-conf.json's cniVersion among supportedVersions; the
 * init container's `cp -f /flannel /opt/cni/bin/flannel` works; iptables in the flannel image runs through the wrapper.
 */
export async function proveFlannelImages(manifestFile: string): Promise<Proof[]> {
  const [flannel, plugin] = [cniImages.flannel![0]!.name, cniImages.flannel![1]!.name];
  const proofs: Proof[] = [];
  const version = await podmanRun([flannel, '--version']);
  if (version !== versions.flannel.release) throw new Error(`${flannel}: flanneld --version printed "${version}", expected ${versions.flannel.release}`);
  proofs.push({ what: `${flannel}: /opt/bin/flanneld --version`, output: version });
  const answer = await podmanRun(['-e', 'CNI_COMMAND=VERSION', plugin, '/flannel']);
  const supported = (JSON.parse(answer) as { supportedVersions?: string[] }).supportedVersions ?? [];
  const wanted = cniConfVersion(readFileSync(manifestFile, 'utf8'));
  if (!supported.includes(wanted)) throw new Error(`${plugin}: /flannel supports CNI ${supported.join(', ')}, kube-flannel.yml's cni-conf.json asks for ${wanted}`);
  proofs.push({ what: `${plugin}: CNI_COMMAND=VERSION /flannel (cni-conf.json asks ${wanted})`, output: answer });
  proofs.push({ what: `${plugin}: cp -f /flannel /opt/cni/bin/flannel`, output: await podmanRun([plugin, 'sh', '-c', 'mkdir -p /opt/cni/bin && cp -f /flannel /opt/cni/bin/flannel && ls -l /opt/cni/bin/flannel']) });
  proofs.push({ what: `${flannel}: iptables --version via iptables-wrapper`, output: await podmanRun(['--entrypoint', 'iptables', flannel, '--version']) });
  // The install-cni init container: /opt/bin/install-conf /etc/kube-flannel/cni-conf.json /etc/cni/net.d/10-flannel.conflist.
  const installed = await podmanRun(['-e', `CONF=${cniConf(readFileSync(manifestFile, 'utf8'))}`, '--entrypoint', 'sh', flannel, '-c',
    'mkdir -p /etc/kube-flannel /etc/cni/net.d && printf %s "$CONF" > /etc/kube-flannel/cni-conf.json && '
    + '/opt/bin/install-conf /etc/kube-flannel/cni-conf.json /etc/cni/net.d/10-flannel.conflist && cmp /etc/kube-flannel/cni-conf.json /etc/cni/net.d/10-flannel.conflist && ls /etc/cni/net.d']);
  proofs.push({ what: `${flannel}: /opt/bin/install-conf of the manifest's cni-conf.json`, output: installed });
  return proofs;
}
