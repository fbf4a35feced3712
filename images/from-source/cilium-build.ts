import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { here, type Log, rootfsTar, type Step } from './build.ts';
import { buildLaidOutImage, extractCa, imageEnv } from './calico-build.ts';
import { bpfIgnored, type CiliumImage, ciliumAgentPackages, ciliumModulesOf, ciliumSourceImages } from './cilium-catalog.ts';
import { ciliumRecipes } from './cilium-recipes.ts';
import { buildGoRecipe, downloadModule } from './go-build.ts';
import { goRecipes } from './recipes.ts';
import { versions } from '../../versions.ts';
import { ciliumChartRepo } from '../../clusters/kind/cni/cilium.ts';
import { localChartPath } from '../../clusters/kind/local-copies.ts';


/**
 * The cilium module files the images take, under `<cache>/modules/cilium-files`: bpf/ without bpfIgnored, and every
 * moduleFiles entry. Rewritten on every build (a few MB) so a changed module never leaves stale files behind.
 */
function stageModuleFiles(moduleDir: string, cache: string): string {
  const out = join(cache, 'modules', 'cilium-files');
  rmSync(out, { recursive: true, force: true });
  const skip = new Set(bpfIgnored.map((p) => join(moduleDir, 'bpf', p)));
  cpSync(join(moduleDir, 'bpf'), join(out, 'bpf'), { recursive: true, filter: (src) => !skip.has(src) });
  for (const image of ciliumSourceImages) {
    for (const f of image.moduleFiles ?? []) cpSync(join(moduleDir, f.from), join(out, f.from));
  }
  return out;
}

export interface CiliumBuild { images: string[]; archives: string[]; steps: Step[] }

/** Builds the agent and operator-generic images of `versions.cilium` into podman, with a docker-archive each for `kind load`. */
export async function buildCiliumImages(cache: string, log: Log): Promise<CiliumBuild> {
  const steps: Step[] = [];
  const binDirs: Record<string, string> = { here };
  for (const [id, recipe] of [...Object.entries(ciliumRecipes), ['cniPlugins', goRecipes.cniPlugins] as const]) {
    const r = await buildGoRecipe(recipe, cache, log);
    steps.push({ what: `go ${recipe.module}@${recipe.version} (${recipe.id})`, how: r.reused ? 'reused' : 'built', seconds: r.seconds });
    binDirs[id] = r.binDir;
  }
  const moduleDir = stageModuleFiles((await downloadModule(ciliumRecipes.agent.module, ciliumRecipes.agent.version)).Dir, cache);
  const agentRootfs = await rootfsTar(cache, 'cilium-agent', ciliumAgentPackages, log, steps);
  const caDir = await extractCa(agentRootfs, join(cache, 'rootfs', 'cilium-ca'));
  const images: string[] = [];
  const archives: string[] = [];
  for (const image of ciliumSourceImages) {
    const env = { ...imageEnv(image, binDirs, moduleDir), BASE_TAR: image.base === 'agent' ? agentRootfs : '', CA_FROM: caDir };
    // The module files follow from the image name's version and bpfIgnored; the binaries are hashed.
    const archive = await buildLaidOutImage({
      image, env, hashParts: [image, env, bpfIgnored], binaries: image.files.map((f) => join(binDirs[f.from]!, f.binary)),
      archiveDir: join(cache, 'cilium-archives'), modules: ciliumModulesOf(image), log, steps,
    });
    images.push(image.name);
    archives.push(archive);
  }
  return { images, archives, steps };
}

/**
 * The flags the agent compiles its datapath with (pkg/datapath/loader/compile.go@v1.20.0:101-112 StandardCFlags, -mcpu
 * and the include folders of compile():158-176), with the default headers bpf/ carries (node_config.h, ep_config.h).
 */
const agentCompile = 'clang -I/var/lib/cilium/bpf -I/var/lib/cilium/bpf/include -g -O2 --target=bpf -std=gnu99 -nostdinc '
  + '-ftrap-function=__undefined_trap -Wall -Wextra -Werror -Wshadow -Wno-address-of-packed-member -Wno-unknown-warning-option '
  + '-Wno-gnu-variable-sized-type-not-at-end -Wimplicit-int-conversion -Wenum-conversion -Wimplicit-fallthrough -mcpu=v3';

/**
 * Commands run in each built image (podman, no network, no privileges): the versions the binaries report
 * (cilium-agent and cilium-operator-generic --version print pkg/version.Version), the CNI plugin's VERSION answer,
 * the tools the agent and the chart's init containers call, and the image's clang compiling the image's bpf_sock.c
 * and bpf_lxc.c with the agent's flags.
 */
export const ciliumProofs: { image: CiliumImage['base']; entrypoint: string; args: string[]; env?: Record<string, string> }[] = [
  { image: 'agent', entrypoint: 'cilium-agent', args: ['--version'] },
  { image: 'agent', entrypoint: '/opt/cni/bin/cilium-cni', args: [], env: { CNI_COMMAND: 'VERSION' } },
  { image: 'agent', entrypoint: 'bash', args: ['-ec', 'clang --version | head -1; llc --version | grep -i "bpf "; bpftool version | head -1; '
    + 'for b in cilium cilium-dbg cilium-health cilium-mount cilium-sysctlfix ip tc ipset iptables ip6tables iptables-save '
    + 'iptables-nft-save iptables-legacy-save nsenter mount jq /init-container.sh /install-plugin.sh /cni-uninstall.sh /cni/loopback; '
    + 'do command -v $b >/dev/null || { echo "missing $b"; exit 1; }; done; iptables --version; pwd; stat -c "%a %n" /var/lib/cilium'] },
  { image: 'agent', entrypoint: 'bash', args: ['-ec', `cd /tmp; for p in bpf_sock bpf_lxc; do ${agentCompile} -c /var/lib/cilium/bpf/$p.c -o $p.o; `
    + 'echo "$p.o $(stat -c %s $p.o) bytes"; done'] },
  { image: 'static', entrypoint: 'cilium-operator-generic', args: ['--version'] },
];

/** Runs ciliumProofs; a failing command fails the build with its output. */
export async function proveCiliumImages(): Promise<{ what: string; output: string }[]> {
  const out: { what: string; output: string }[] = [];
  for (const proof of ciliumProofs) {
    const image = ciliumSourceImages.find((i) => i.base === proof.image)!.name;
    const env = Object.entries(proof.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    const r = await execa('podman', ['run', '--rm', '--network', 'none', ...env, '--entrypoint', proof.entrypoint, image, ...proof.args], { reject: false, all: true });
    const what = `${image} ${proof.entrypoint} ${proof.args.join(' ').slice(0, 60)}`;
    if (r.exitCode !== 0) throw new Error(`failed to run ${what}: exit ${r.exitCode}: ${String(r.all).slice(-2000)}`);
    out.push({ what, output: String(r.all).trim() });
  }
  return out;
}

/**
 * The chart's source folder of the cilium module at the chart's tag (install/kubernetes/cilium, Chart.yaml version
 * 1.20.0; values.yaml@v1.20.0:254,3249 useDigest false), copied where the kind plan finds it for helm.cilium.io
 * (local-copies.ts localChart). The module cache is read-only, so the copy drops its modes; rewritten every time.
 */
export async function copyCiliumChart(cache: string): Promise<string> {
  const moduleDir = (await downloadModule(ciliumRecipes.agent.module, ciliumRecipes.agent.version)).Dir;
  const out = localChartPath(ciliumChartRepo, 'cilium', versions.cilium.chart, cache);
  rmSync(out, { recursive: true, force: true });
  await execa('sh', ['-c', 'mkdir -p "$(dirname "$2")" && cp -r --no-preserve=mode "$1" "$2"', 'sh', join(moduleDir, 'install', 'kubernetes', 'cilium'), out]);
  const chart = readFileSync(join(out, 'Chart.yaml'), 'utf8');
  if (!new RegExp(`^version: ${versions.cilium.chart}$`, 'm').test(chart)) throw new Error(`failed to take the Cilium chart from ${moduleDir}: its Chart.yaml is not version ${versions.cilium.chart}`);
  return out;
}
