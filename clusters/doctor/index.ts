import { readFileSync, statfsSync } from 'node:fs';
import { versions } from '../../versions.ts';
import { docker } from '../docker.ts';
import { engineCli, engineIsLocal, type EngineCli } from '../engine.ts';
import { chooseKindEngine, nodeImageIn } from '../kind/engine-choice.ts';
import { kindConfig, kindConfigAllowsCgroupV1 } from '../kind/kind-config.ts';
import { inspectKindNetwork } from '../kind/kind-network.ts';
import { moduleProfiles } from '../kind/kernel-needs.ts';
import { digestReference } from '../kind/registry.ts';
import { toolboxTag } from '../kind/toolbox.ts';
import { hostTools } from '../kind/tools.ts';
import type { KindClusterSpec } from '../kind/types.ts';
import { kindProfiles } from '../profiles/kind/index.ts';
import { cgroupFindings } from './cgroup.ts';
import { diskFindings } from './disk.ts';
import { dockerEngineFindings } from './docker-engine.ts';
import { imageFindings, parseManifest, repositoryOf, type ImageFacts } from './images.ts';
import { inotifyFindings, inotifyMinimum } from './inotify.ts';
import { kernelModuleFindings, readKernelFacts } from './kernel-modules.ts';
import { kindNetworkFindings } from './network.ts';
import { toolFindings } from './tools.ts';
import { problem, stopping, type Finding } from './types.ts';

export type { Finding } from './types.ts';

export interface DoctorOptions {
  /** Ask the registry whether absent images are pullable (slow where no registry answers: 30 s per image at most). */
  registry: boolean;
}

const readNumber = (path: string) => { try { return Number(readFileSync(path, 'utf8').trim()); } catch { return undefined; } };

/** Local size (in the engine kind runs on), or the registry's answer for this machine's platform. */
async function imageFacts(image: string, role: string, options: DoctorOptions, optional = false, engine: EngineCli = docker): Promise<ImageFacts> {
  const base: ImageFacts = { image, role, ...(optional ? { optional } : {}) };
  const local = await engine(['image', 'inspect', '--format', '{{.Size}}', image]);
  if (local.exitCode === 0) return { ...base, localBytes: Number(local.stdout.trim()) };
  if (!options.registry) return base;
  // By digest alone when pinned by one: docker/cli asks a tagged reference by its tag, and a re-pushed tag then fails
  // the digest check though `docker pull` by digest works (clusters/kind/registry.ts). Only `npm run doctor` asks this
  // (a run asks one HEAD through its detection): each GET here counts as a Docker Hub pull.
  const inspect = (ref: string) => docker(['manifest', 'inspect', ref], { timeout: 30_000 });
  const first = await inspect(digestReference(image));
  if (first.exitCode !== 0) return { ...base, registry: { pullable: false, error: (first.stderr || first.stdout).trim().split('\n').pop() ?? `exit ${first.exitCode}` } };
  let manifest = parseManifest(first.stdout);
  if (manifest.kind === 'list') {
    const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
    const mine = manifest.platforms.find((p) => p.os === 'linux' && p.architecture === arch);
    if (!mine) return { ...base, registry: { pullable: false, error: `no linux/${arch} image in its manifest list` } };
    const second = await inspect(`${repositoryOf(image)}@${mine.digest}`);
    manifest = second.exitCode === 0 ? parseManifest(second.stdout) : manifest;
  }
  return { ...base, registry: { pullable: true, ...(manifest.kind === 'image' ? { compressedBytes: manifest.layerBytes } : {}) } };
}

/** Whether every kind config the harness renders lets the kubelet start on cgroup v1 (the hook of cgroupFindings). */
function kubeletAllowsCgroupV1(): boolean {
  return kindProfiles.every((p) => p.clusters.every((spec) => kindConfigAllowsCgroupV1(kindConfig({ name: 'doctor', runId: 'doctor', spec, cniPluginsDir: '/doctor' }))));
}

/** The pod and service CIDRs of every kind profile, which the kind network must not overlap. */
function profileCidrs(): Array<{ profile: string; cidr: string }> {
  return kindProfiles.flatMap((p) => p.clusters.flatMap((c) => [c.networking.podSubnet, c.networking.serviceSubnet]
    .filter((cidr): cidr is string => typeof cidr === 'string').map((cidr) => ({ profile: p.name, cidr }))));
}

/** Every check, as kind users hit them: Docker, the host kernel and limits, disk, images, tools, the kind network. */
export async function runDoctor(options: DoctorOptions): Promise<Finding[]> {
  // The engine kind runs on, chosen as a run chooses it (engine-choice.ts); its images are the ones that count.
  const chosen = await chooseKindEngine().catch((error: Error) => error.message);
  const kindCli = typeof chosen === 'string' ? docker : engineCli(chosen.engine);
  const engineChoice: Finding = typeof chosen === 'string'
    ? { check: 'kind engine', status: 'fail', detail: chosen, fix: 'install docker or podman' }
    : { check: 'kind engine', status: 'ok', detail: `${chosen.engine}: ${chosen.why}` };
  const builtNode = await nodeImageIn(kindCli);
  const version = await docker(['version', '--format', '{{json .}}'], { timeout: 20_000 });
  const engine = dockerEngineFindings(version);
  if (engine.some((f) => f.check === 'docker engine' && f.status === 'fail')) return engine;
  const info = await docker(['info', '--format', '{{json .}}'], { timeout: 20_000 });
  const facts = (() => { try { return JSON.parse(info.stdout) as { CgroupVersion?: string; DockerRootDir?: string }; } catch { return {}; } })();
  const kubernetesMinor = Number(/^v1\.(\d+)/.exec(versions.kind.kubectl)?.[1] ?? 0);
  const root = facts.DockerRootDir ?? '/var/lib/docker';
  const free = (() => { if (!engineIsLocal()) return undefined; try { const s = statfsSync(root); return s.bavail * s.bsize; } catch { return undefined; } })();
  const tools = await hostTools(['kind', 'kubectl', 'helm', 'cilium', 'calicoctl']);
  const tag = toolboxTag();
  const toolboxPresent = (await docker(['image', 'inspect', tag])).exitCode === 0;
  const needToolbox = tools.some((t) => !t.ok) && !toolboxPresent;
  const images = await Promise.all([
    builtNode?.builtFromSource
      ? imageFacts(builtNode.image, 'kind node image, built here from source (npm run images)', options, false, kindCli)
      : imageFacts(versions.kind.nodeImage, 'kind node image', options, false, kindCli),
    imageFacts(versions.testImages.netshoot, 'test workloads (kind load)', options, false, kindCli),
    ...versions.calicoVpp.images.map((image) => imageFacts(image, 'calico-vpp (kind load)', options, false, kindCli)),
    imageFacts(versions.toolbox.baseImage, 'toolbox base image', options, !needToolbox),
  ]);
  const base = images.at(-1)!;
  const buildable = base.localBytes !== undefined || (base.registry ? base.registry.pullable : undefined);
  return [
    engineChoice,
    ...engine,
    ...cgroupFindings(facts.CgroupVersion, kubernetesMinor, kubeletAllowsCgroupV1()),
    ...inotifyFindings(Object.fromEntries(Object.keys(inotifyMinimum).flatMap((k) => { const v = readNumber(`/proc/sys/fs/inotify/${k}`); return v === undefined ? [] : [[k, v]]; }))),
    ...diskFindings(root, free),
    ...kernelModuleFindings(readKernelFacts(), moduleProfiles()),
    ...images.map(imageFindings),
    ...toolFindings(tools, { present: toolboxPresent, buildable, tag }),
    ...kindNetworkFindings(await inspectKindNetwork(), profileCidrs()),
  ];
}

const icon: Record<Finding['status'], string> = { ok: '✅', info: 'ℹ️ ', warn: '⚠️ ', fail: '❌' };

/** One line per finding, the fix indented under each problem. */
export function formatFindings(findings: Finding[], onlyProblems = false): string {
  return findings.filter((f) => !onlyProblems || problem(f))
    .map((f) => `${icon[f.status]} ${f.check}: ${f.detail}${f.fix && problem(f) ? `\n     fix: ${f.fix}` : ''}`).join('\n');
}

export { problem, stopping };
