import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { versions } from '../../versions.ts';
import { hashOf, here, imageHash, type Log, rootfsTar, type Step, timer } from './build.ts';
import { type CalicoImage, calicoModulesOf, calicoNodePackages, calicoSourceImages, withoutKrtTunnel } from './calico-catalog.ts';
import { calicoRecipes, calicoWrapperGoMod, parseVersionReplaces } from './calico-recipes.ts';
import { sourceLabels } from './catalog.ts';
import { keepLocalCopy, manifestImages } from './cni-build.ts';
import { downloadModule, type GoBuildResult } from './go-build.ts';
import { calicoManifestUrls } from '../../clusters/kind/cni/calico.ts';
import type { GoRecipe } from './recipes.ts';


/**
 * Builds a Calico recipe's binaries like go-build.ts buildGoRecipe, in a wrapper module that repeats the calico go.mod's
 * version replaces and swaps its local nested modules for published ones (calicoWrapperGoMod).
 */
export async function buildCalicoRecipe(recipe: GoRecipe, cache: string, log: Log): Promise<GoBuildResult> {
  const seconds = timer();
  const main = await downloadModule(recipe.module, recipe.version);
  const goMod = calicoWrapperGoMod(recipe, parseVersionReplaces(readFileSync(main.GoMod, 'utf8')));
  const binDir = join(cache, 'bin', `${recipe.id}-${recipe.version}`);
  const stamp = join(binDir, '.recipe');
  const hash = hashOf(recipe, recipe.ldflags(main.commit), goMod);
  if (recipe.binaries.every((b) => existsSync(join(binDir, b.out))) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    return { id: recipe.id, binDir, reused: true, seconds: seconds(), commit: main.commit };
  }
  const workDir = join(cache, 'modules', recipe.id);
  mkdirSync(workDir, { recursive: true });
  mkdirSync(binDir, { recursive: true });
  writeFileSync(join(workDir, 'go.mod'), goMod);
  for (const binary of recipe.binaries) {
    const args = ['-n', '19', 'go', 'build', '-trimpath', '-ldflags', ['-s', '-w', ...recipe.ldflags(main.commit)].join(' '),
      '-o', join(binDir, binary.out), binary.pkg];
    log(`go build ${recipe.module}@${recipe.version} ${binary.pkg} -> ${binary.out}`);
    const r = await execa('nice', args, {
      cwd: workDir, reject: false, all: true, env: { CGO_ENABLED: (binary.cgo ?? recipe.cgo) ? '1' : '0', GOFLAGS: '-mod=mod -buildvcs=false' },
    });
    if (r.exitCode !== 0) throw new Error(`failed to build ${binary.pkg}@${recipe.version}: ${String(r.all).slice(-3000)}`);
  }
  writeFileSync(stamp, hash);
  return { id: recipe.id, binDir, reused: false, seconds: seconds(), commit: main.commit };
}

const lines = (entries: string[]) => entries.join('\n');

/** What calico-image.sh lays out, for an image of any source: `files[].from` names a key of binDirs. */
export type ImageLayout = Omit<CalicoImage, 'name' | 'base' | 'files' | 'differs'> & { files: { from: string; binary: string; dest: string }[] };

/** The calico-image.sh environment for one image. */
export function imageEnv(image: ImageLayout, binDirs: Record<string, string>, moduleDir: string): Record<string, string> {
  return {
    FILES: lines([
      ...image.files.map((f) => `${join(binDirs[f.from]!, f.binary)}:${f.dest}:0755`),
      ...(image.moduleFiles ?? []).map((f) => `${join(moduleDir, f.from)}:${f.dest}:${f.mode ?? '0644'}`),
    ]),
    TREES: lines((image.trees ?? []).map((t) => `${join(moduleDir, t.from)}:${t.dest}:${t.mode}`)),
    DIRS: lines((image.dirs ?? []).map((d) => `${d.path}:${d.owner}:${d.mode}`)),
    LINKS: lines(Object.entries(image.links ?? {}).map(([path, target]) => `${path}:${target}`)),
    ENVS: lines(Object.entries(image.env ?? {}).map(([k, v]) => `${k}=${v}`)),
    REMOVE: lines(image.remove ?? []),
    EDITS: lines((image.edits ?? []).flatMap((e) => e.sed.map((expr) => `${e.file}\t${expr}`))),
    ENTRYPOINT: image.entrypoint ? JSON.stringify(image.entrypoint) : '',
    CMD: image.cmd ? JSON.stringify(image.cmd) : '',
    USER_ID: image.user ?? '',
    WORKDIR: image.workdir ?? '',
  };
}

/** The CA bundle of a rootfs tar, extracted into `dir` for calico-image.sh's CA_FROM; returns `dir`. */
export async function extractCa(rootfs: string, dir: string): Promise<string> {
  await execa('sh', ['-c', 'mkdir -p "$1" && tar -C "$1" -xf "$2" ./etc/ssl/certs/ca-certificates.crt', 'sh', dir, rootfs]);
  return dir;
}

/**
 * One image laid out by calico-image.sh from `env` (imageEnv's, plus BASE_TAR and CA_FROM), saved as a docker-archive in
 * `archiveDir`; reused when podman holds it with the same build hash (`hashParts`, the binaries' contents and the
 * script) and its archive exists. Returns the archive.
 */
export async function buildLaidOutImage(o: {
  image: { name: string; differs: string }; env: Record<string, string>; hashParts: unknown[]; binaries: string[];
  archiveDir: string; modules: Record<string, string>; log: Log; steps: Step[];
}): Promise<string> {
  const done = timer();
  const contents = o.binaries.map((file) => createHash('sha256').update(readFileSync(file)).digest('hex'));
  const hash = hashOf(...o.hashParts, contents, readFileSync(join(here, 'calico-image.sh'), 'utf8'));
  const archive = join(o.archiveDir, `${o.image.name.replace(/[/:]/g, '_')}.tar`);
  if ((await imageHash(o.image.name)) === hash && existsSync(archive)) { o.steps.push({ what: o.image.name, how: 'reused', seconds: done() }); return archive; }
  o.log(`image ${o.image.name}`);
  const labels = [...sourceLabels(o.modules), `io.cni-conformance.differs-from-upstream=${JSON.stringify(o.image.differs)}`, `io.cni-conformance.build-hash=${hash}`];
  const r = await execa('bash', [join(here, 'calico-image.sh')], { env: { ...o.env, IMAGE: o.image.name, ARCHIVE: archive, LABELS: lines(labels) }, reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`failed to build ${o.image.name}: ${String(r.all).slice(-3000)}`);
  o.steps.push({ what: o.image.name, how: 'built', seconds: done() });
  return archive;
}

export interface CalicoBuild {
  images: string[]; archives: string[]; steps: Step[]; calicoctl: string;
  /** The calico module's folder the images were built from. */
  moduleDir: string;
}

/** Builds the Calico images of `versions.calico` into podman, with a docker-archive each for `kind load`. */
export async function buildCalicoImages(cache: string, log: Log): Promise<CalicoBuild> {
  const steps: Step[] = [];
  const binDirs: Record<string, string> = {};
  for (const [id, recipe] of Object.entries(calicoRecipes)) {
    const r = await buildCalicoRecipe(recipe, cache, log);
    steps.push({ what: `go ${recipe.module}@${recipe.version} (${recipe.id})`, how: r.reused ? 'reused' : 'built', seconds: r.seconds });
    binDirs[id] = r.binDir;
  }
  const moduleDir = (await downloadModule(calicoRecipes.node.module, calicoRecipes.node.version)).Dir;
  const nodeRootfs = await rootfsTar(cache, 'calico-node', calicoNodePackages, log, steps);
  const caDir = await extractCa(nodeRootfs, join(cache, 'rootfs', 'calico-ca'));
  const images: string[] = [];
  const archives: string[] = [];
  for (const image of calicoSourceImages) {
    const env = { ...imageEnv(image, binDirs, moduleDir), BASE_TAR: image.base === 'node' ? nodeRootfs : '', CA_FROM: caDir };
    const archive = await buildLaidOutImage({
      image, env, hashParts: [image, env], binaries: image.files.map((f) => join(binDirs[f.from]!, f.binary)),
      archiveDir: join(cache, 'calico-archives'), modules: calicoModulesOf(image), log, steps,
    });
    images.push(image.name);
    archives.push(archive);
  }
  log(`calico ${versions.calico.release} images: ${images.join(', ')}`);
  return { images, archives, steps, calicoctl: join(binDirs.calicoctl!, 'calicoctl'), moduleDir };
}

/**
 * calico.yaml and calico-vxlan.yaml as the release publishes them under manifests/ (the module zip holds that folder at
 * the tag), kept where the kind plan finds them for their raw.githubusercontent.com URLs (local-copies.ts), after checking
 * that they run exactly the images built here. Returns the files written or reused.
 */
export function copyCalicoManifests(build: CalicoBuild, cache: string): string[] {
  const built = new Set(build.images);
  const files: string[] = [];
  for (const url of calicoManifestUrls) {
    const done = timer();
    const text = readFileSync(join(build.moduleDir, 'manifests', url.slice(url.lastIndexOf('/') + 1)), 'utf8');
    const missing = manifestImages(text).filter((image) => !built.has(image));
    if (missing.length) throw new Error(`failed to take ${url} from the calico module: it runs ${missing.join(', ')}, which are not built here`);
    const { file, reused } = keepLocalCopy(url, cache, text);
    build.steps.push({ what: `${file} (manifests/ of the calico module)`, how: reused ? 'reused' : 'built', seconds: done() });
    files.push(file);
  }
  return files;
}

/**
 * confd's own expected renders (confd/tests/compiled_templates/mesh@v3.31.0: IPIP off, always, cross-subnet, BGP export
 * filters) parsed by the image's BIRD: refused as rendered (krt_tunnel), accepted once withoutKrtTunnel is applied, as it
 * is to the image's template, which must hold no krt_tunnel any more.
 */
const birdParsesConfd = [
  'set -e',
  'for c in ipip-off ipip-always ipip-cross-subnet bgp-export; do',
  '  mkdir -p /tmp/$c && cp /t/$c/bird*.cfg /tmp/$c/ && cd /tmp/$c',
  '  if bird -p -c bird.cfg 2>/dev/null; then echo "$c: parsed with krt_tunnel"; exit 1; fi',
  `  sed -i ${withoutKrtTunnel.map((e) => `-e '${e}'`).join(' ')} bird_ipam.cfg`,
  '  bird -p -c bird.cfg && echo "$c: parses without krt_tunnel"',
  'done',
  '! grep -n krt_tunnel /etc/calico/confd/templates/bird_ipam.cfg.template',
].join('\n');

/**
 * Commands run in each built image (podman, no network): calico-node -v (node/cmd/calico-node/main.go@v3.31.0:49), BIRD's
 * --version and birdParsesConfd, the CNI plugin's -v (cni-plugin/pkg/plugin/plugin.go@v3.31.0:729), kube-controllers
 * -version (main.go:66), calico-typha --version (typha/pkg/daemon/daemon.go@v3.31.0:63).
 */
export const calicoProofs: { image: string; entrypoint: string; args: string[]; mount?: { module: string; at: string } }[] = [
  { image: 'node', entrypoint: '/bin/calico-node', args: ['-v'] },
  { image: 'node', entrypoint: 'bird', args: ['--version'] },
  { image: 'node', entrypoint: 'sh', args: ['-c', 'echo "$PATH" && command -v runsvdir && command -v start_runit && readlink /bin/birdcl'] },
  // felix/environment/feature_detect_linux.go@v3.31.0:393-404 looks for ip[6]tables-<legacy|nft>-<save|restore>, then
  // ip[6]tables-<save|restore>; felix/ipsets/ipsets.go@v3.31.0:690,775 runs ipset; start_runit runs runsvdir via which.
  {
    image: 'node', entrypoint: 'sh', args: ['-c', 'for b in iptables-legacy-save iptables-legacy-restore iptables-nft-save '
      + 'iptables-nft-restore ip6tables-legacy-save ip6tables-legacy-restore ip6tables-nft-save ip6tables-nft-restore ipset '
      + 'conntrack nft ip sv svlogd runsv which; do command -v $b || { echo "missing $b"; exit 1; }; done'],
  },
  { image: 'node', entrypoint: 'sh', args: ['-c', birdParsesConfd], mount: { module: 'confd/tests/compiled_templates/mesh', at: '/t' } },
  { image: 'cni', entrypoint: '/opt/cni/bin/calico', args: ['-v'] },
  { image: 'cni', entrypoint: '/opt/cni/bin/calico-ipam', args: ['-v'] },
  { image: 'kube-controllers', entrypoint: '/usr/bin/kube-controllers', args: ['-version'] },
  { image: 'typha', entrypoint: '/usr/bin/calico-typha', args: ['--version'] },
];

/**
 * Runs calicoProofs, then the host's calicoctl `version --client` (calicoctl/calicoctl/commands/version.go@v3.31.0:56,85-89:
 * the client's version only, no cluster); a failing command fails the build with its output.
 */
export async function proveCalicoImages({ images, calicoctl }: Pick<CalicoBuild, 'images' | 'calicoctl'>): Promise<{ what: string; output: string }[]> {
  const moduleDir = (await downloadModule(calicoRecipes.node.module, calicoRecipes.node.version)).Dir;
  const out: { what: string; output: string }[] = [];
  for (const proof of calicoProofs) {
    const image = images.find((i) => i.includes(`/${proof.image}:`));
    if (!image) throw new Error(`failed to prove the calico images: no ${proof.image} image among ${images.join(', ')}`);
    const mount = proof.mount ? ['-v', `${join(moduleDir, proof.mount.module)}:${proof.mount.at}:ro`] : [];
    const r = await execa('podman', ['run', '--rm', '--network', 'none', ...mount, '--entrypoint', proof.entrypoint, image, ...proof.args], { reject: false, all: true });
    const what = `${image} ${proof.entrypoint} ${proof.args.join(' ').split('\n')[0]}`;
    if (r.exitCode !== 0) throw new Error(`failed to run ${what}: exit ${r.exitCode}: ${String(r.all).slice(-2000)}`);
    out.push({ what, output: String(r.all).trim() });
  }
  const ctl = await execa(calicoctl, ['version', '--client'], { reject: false, all: true });
  if (ctl.exitCode !== 0) throw new Error(`failed to run ${calicoctl} version --client: ${String(ctl.all)}`);
  out.push({ what: `${calicoctl} version --client`, output: String(ctl.all).trim() });
  return out;
}
