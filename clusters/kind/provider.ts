import { mkdir } from 'node:fs/promises';
import { calicoManifestUrls } from './cni/calico.ts';
import { kubeFlannelUrl } from './cni/flannel.ts';
import { ciliumArchivePath, ciliumFromSourceAllowed, localChart, readLocalCopy } from './local-copies.ts';
import { ciliumChartRepo, ciliumImages } from './cni/cilium.ts';
import { existsSync } from 'node:fs';
import { versions } from '../../versions.ts';
import { podNetnsExec } from './pod-netns.ts';
import { allowIntraBridge, ensurePodmanKindNetwork, removeForwardRulesSync, removeRunNetworkSync } from './podman-network.ts';
import { resolve } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { deleteKindClusterSync, runKindClustersSync } from './cleanup.ts';
import type { ClusterHandle, CreateOptions, Provider, ProviderInfo } from '../types.ts';
import { readKernelFacts } from '../doctor/kernel-modules.ts';
import { brNetfilterRefusal, type HostBridgeFacts } from './br-netfilter.ts';
import { detectCapabilities } from './capabilities.ts';
import { systemDiagnostics } from './diagnostics.ts';
import { kindUnavailable } from './detect.ts';
import { engineCli, engineIsLocal, engineSync, kindEngineName, type EngineName } from '../engine.ts';
import { nodeImageIn } from './engine-choice.ts';
import type { ImageSource } from './images.ts';
import { kindProfileUnavailable, planTools, profileImages } from './profile-gate.ts';
import { kindGatewayFor } from './kind-network.ts';
import { listKindNodes } from './node.ts';
import { buildPlan, renderCommand } from './plan.ts';
import { writePlan } from './plan-write.ts';
import { KubeAccess, podRefresher, probeServerPods } from './pods.ts';
import { kindKubeActions } from './kube-actions.ts';
import { loadKindProfile } from './profiles.ts';
import { provision, teardown, type Log } from './provision.ts';
import { hostRunner, toolboxRunner, type CommandRunner } from './runner.ts';
import { contextName, kubeconfigPath, workloadNamespace } from './naming.ts';
import { ensureToolbox, startToolbox } from './toolbox.ts';
import { hostTools } from './tools.ts';
import type { KindProfile, Plan } from './types.ts';

/**
 * br_netfilter as this machine's kernel has it; with a remote engine (DOCKER_HOST not a unix socket) this machine's
 * kernel is not the nodes' and nothing is refused here: the plan's in-node step still checks.
 */
function hostBridgeFacts(): HostBridgeFacts {
  if (!engineIsLocal()) return { sysctlPresent: true, loadable: true };
  const facts = readKernelFacts();
  return { sysctlPresent: facts.bridgeNetfilterSysctls, loadable: (facts.loadable ?? []).includes('br_netfilter') || (facts.builtin ?? []).includes('br_netfilter') };
}

/** Host CLIs when every one the plan runs is present at its pinned version, else the toolbox container. */
async function chooseRunner(plan: Plan, planDir: string, runId: string, log: Log): Promise<{ runner: CommandRunner; toolbox?: StartedTestContainer }> {
  const statuses = await hostTools(planTools(plan));
  if (statuses.every((s) => s.ok)) return { runner: hostRunner(planDir) };
  log(`🧰 using the toolbox: ${statuses.filter((s) => !s.ok).map((s) => s.problem).join('; ')}`);
  const toolbox = await startToolbox(await ensureToolbox(log), planDir, runId);
  return { runner: toolboxRunner(toolbox, planDir), toolbox };
}

/** The engine kind runs on and which of the profile's images it already holds (never pulled again). */
async function imageSource(profile: KindProfile): Promise<ImageSource> {
  const engine = kindEngineName();
  const cli = engineCli(engine);
  const present: string[] = [];
  for (const image of profileImages(profile)) {
    if ((await cli(['image', 'inspect', '--format', '{{.Id}}', image], { timeout: 20_000 })).exitCode === 0) present.push(image);
  }
  return { engine, present };
}

/** Manifests `npm run images` rendered from source where no release download answers, by the URL they replace. */
function localManifests(): Record<string, string> {
  const found: Record<string, string> = {};
  for (const url of [kubeFlannelUrl, ...calicoManifestUrls]) {
    const text = readLocalCopy(url);
    if (text !== undefined) found[url] = text;
  }
  return found;
}

/** What `npm run images` built for Cilium profiles, where present and opted in (local-copies.ts ciliumFromSourceOptIn): the chart folder and the images' docker-archives. */
function localCilium(profile: KindProfile): { localCiliumChart?: string; imageArchives?: Record<string, string> } {
  if (profile.cni !== 'cilium' || !ciliumFromSourceAllowed()) return {};
  const chart = localChart(ciliumChartRepo, 'cilium', versions.cilium.chart);
  const archives = Object.fromEntries(Object.values(ciliumImages).map((image) => [image, ciliumArchivePath(image)] as const).filter(([, file]) => existsSync(file)));
  return { ...(chart ? { localCiliumChart: chart } : {}), imageArchives: archives };
}

/** The kind provider: one cluster (or two, for clustermesh) per profile per run. */
export const kindProvider: Provider<KindProfile> & { planDirFor(runId: string, profile: string): string } = {
  planDirFor: (runId, profile) => resolve(process.env['CNC_PLAN_ROOT'] ?? 'reports/out/plans', runId, profile),

  async info(): Promise<ProviderInfo> {
    return { name: 'kind', unavailable: await kindUnavailable() };
  },

  async create(requested: KindProfile, options: CreateOptions): Promise<ClusterHandle> {
    const log = options.log ?? ((line: string) => console.log(line));
    const unavailable = await kindUnavailable();
    if (unavailable) throw new Error(`failed to create kind profile "${requested.name}": ${unavailable}`);
    const profile = loadKindProfile(requested.name, [requested]);
    const bridge = brNetfilterRefusal(profile.clusters, hostBridgeFacts());
    if (bridge) throw new Error(`failed to create kind profile "${profile.name}": ${bridge}`);
    const gate = await kindProfileUnavailable(profile);
    if (gate) throw new Error(`failed to create kind profile "${profile.name}": ${gate}`);
    const planDir = kindProvider.planDirFor(options.runId, profile.name);
    await mkdir(planDir, { recursive: true });
    const kindGateway = await kindGatewayFor(profile, log);
    const source = await imageSource(profile);
    const nodeImage = await nodeImageIn(engineCli(source.engine));
    if (nodeImage?.builtFromSource) log(`🏗️  ${source.engine}: node image ${nodeImage.image} built here from source (npm run images), no registry serves the pinned one`);
    const plan = buildPlan(profile, {
      runId: options.runId, dir: planDir, arch: process.arch === 'arm64' ? 'arm64' : 'amd64', images: source, localManifests: localManifests(), ...localCilium(profile),
      ...(kindGateway ? { kindGateway } : {}), ...(nodeImage ? { nodeImage: nodeImage.image } : {}),
    });
    await writePlan(plan, planDir);
    const { runner, toolbox } = await chooseRunner(plan, planDir, options.runId, log);
    // podman: the kind network made first (as kind would), so that the host's FORWARD chain lets nodes route pod traffic.
    const podmanNetwork = source.engine === 'podman' ? await ensurePodmanKindNetwork(options.runId) : undefined;
    const closeForward = podmanNetwork ? await allowIntraBridge(podmanNetwork.bridge, options.runId) : undefined;
    if (podmanNetwork) log(`🌐 podman network kind (bridge ${podmanNetwork.bridge}${podmanNetwork.created ? ', created as kind would' : ''}): host FORWARD accepts pod traffic between its nodes for this run`);

    let destroyed = false;
    const destroy = async () => {
      if (destroyed) return;
      destroyed = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (options.keep || process.env['KEEP'] === '1') {
        log(`🔒 KEEP: clusters kept; delete with:\n${plan.teardown.map((c) => `  ${renderCommand(c)}`).join('\n')}`);
      } else {
        await teardown(plan, runner, log);
        await closeForward?.();
        if (podmanNetwork?.created) log(removeRunNetworkSync(options.runId, engineSync('podman')) > 0 ? '🧹 removed the podman network kind (this run created it)' : '🧹 kept the podman network kind: another cluster uses it');
      }
      await toolbox?.stop();
    };
    const onSignal = () => { void destroy().finally(() => process.exit(130)); };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // A worker that exits before or during destroy (uncaught error, process.exit, a teardown that failed) still
    // deletes its clusters, found by name; after a complete teardown this finds nothing.
    if (!(options.keep || process.env['KEEP'] === '1')) {
      process.once('exit', () => {
        for (const name of plan.clusters) deleteKindClusterSync(name);
        // podman: the run's FORWARD rule, and the kind network when this run made it and nothing else uses it.
        if (podmanNetwork) {
          removeForwardRulesSync([options.runId]);
          removeRunNetworkSync(options.runId, engineSync('podman'));
        }
      });
    }

    try {
      const provisioning = await provision(plan, planDir, runner, log);
      const main = plan.clusters[0]!;
      const nodes = (await Promise.all(plan.clusters.map((c) => listKindNodes(c)))).flat();
      const kube = new KubeAccess(resolve(planDir, kubeconfigPath(main)), contextName(main));
      const pods = await probeServerPods(kube);
      const refresh = podRefresher(pods, () => probeServerPods(kube));
      const actions = kindKubeActions(main, runner, kube, planDir);
      const capabilities = await detectCapabilities('kind', actions.run, nodes.filter((n) => n.name.startsWith(`${main}-`)));
      log(`🔎 ${main}: ${capabilities.cni} ${JSON.stringify(capabilities.versions)}, features ${capabilities.features.join(', ') || 'none'}, ipip ${capabilities.kernel.ipip}`);
      const handle: ClusterHandle = {
        name: main, profile, nodes, pods, capabilities,
        refresh,
        kube: actions,
        diagnostics: () => systemDiagnostics(actions, capabilities),
        podNetnsExec: (pod, argv) => podNetnsExec(handle.node(pod.node), pod, argv),
        node(name) { const n = nodes.find((x) => x.name === name); if (!n) throw new Error(`node "${name}": not in ${plan.clusters.join(', ')}; nodes: ${nodes.map((x) => x.name).join(', ')}`); return n; },
        pod(name) { const p = pods.find((x) => x.name === name); if (!p) throw new Error(`pod "${name}": not in namespace ${workloadNamespace}; pods: ${pods.map((x) => x.name).join(', ')}`); return p; },
        destroy,
        [Symbol.asyncDispose]: destroy,
        provisioning,
      };
      return handle;
    } catch (error) {
      await destroy();
      throw error;
    }
  },

  /** Our kind clusters (of one run, or of all runs), found as kind lists them: by kind's node container label. */
  async list(runId?: string): Promise<string[]> {
    return runKindClustersSync(runId);
  },

  /** Deletes one of our clusters as `kind delete cluster` does; refuses clusters the harness did not name. */
  async destroy(name: string): Promise<void> {
    deleteKindClusterSync(name);
  },
};
