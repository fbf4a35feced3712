import { docker } from '../docker.ts';
import { LABEL, runLabels } from '../run.ts';
import { timePhase } from '../phases.ts';
import type { ClusterHandle, CreateOptions, PodHandle, Provider, ProviderInfo, ProvisionPhase } from '../types.ts';
import { detectKernel } from './capabilities.ts';
import { ensureLabImage } from './image.ts';
import { bridgeSwitchPorts, linkAddresses, linkEndCommands, wireLinks, type SwitchNode } from './links.ts';
import { openExecChannel } from './exec-agent.ts';
import { boundNeighbourQueues } from './neighbour-queues.ts';
import { labNode, startNodeContainer } from './node.ts';
import { createPodNetns, labPod } from './pods.ts';
import type { LabNode, LabProfile, LabView } from './types.ts';
import { labProfileProblems } from './validate.ts';

const prefix = (runId: string, cluster: string) => `cc-${runId}-${cluster}`;

/** Builds lab clusters: Debian node containers, wired by the lab's own veths and switch bridges. */
export const labProvider: Provider<LabProfile> = {
  async info(): Promise<ProviderInfo> {
    return { name: 'lab' };
  },

  async create(profile, options) {
    const problems = labProfileProblems(profile);
    if (problems.length > 0) throw new Error(`failed to create lab cluster:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    try {
      return await build(profile, options);
    } catch (error) {
      if (!options.keep) await removeCluster(options.runId, profile.name);
      throw error;
    }
  },

  async list(runId) {
    const filter = runId ? `label=${LABEL.run}=${runId}` : `label=${LABEL.run}`;
    const out = await docker(['ps', '-a', '--filter', filter, '--format', `{{.Label "${LABEL.run}"}}/{{.Label "${LABEL.cluster}"}}`]);
    return [...new Set(out.stdout.split('\n').filter(Boolean))];
  },

  async destroy(name) {
    const [runId, cluster] = name.split('/');
    if (!runId || !cluster) throw new Error(`failed to destroy "${name}": expected <run id>/<cluster>, as list() returns`);
    await removeCluster(runId, cluster);
  },
};

async function removeCluster(runId: string, cluster: string): Promise<void> {
  const ids = await docker(['ps', '-aq', '--filter', `label=${LABEL.run}=${runId}`, '--filter', `label=${LABEL.cluster}=${cluster}`]);
  const list = ids.stdout.split('\n').filter(Boolean);
  if (list.length > 0) await docker(['rm', '-f', '-v', ...list]);
}

async function build(profile: LabProfile, options: CreateOptions): Promise<ClusterHandle> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const step = (what: string) => log(`[${profile.name}] ${what} (${((performance.now() - started) / 1000).toFixed(1)}s)`);
  const phases: ProvisionPhase[] = [];
  const { tag: image } = await timePhase(phases, 'lab image', 1, () => ensureLabImage(log));
  const labels = runLabels(options.runId, profile.name, options.keep);
  const name = prefix(options.runId, profile.name);

  const segments = profile.links.filter((l) => l.kind === 'segment');
  const [nodeList, switchList] = await timePhase(phases, 'nodes up', profile.nodes.length + segments.length, () => Promise.all([
    Promise.all(profile.nodes.map(async (spec) => {
      const container = await startNodeContainer({ image, containerName: `${name}-${spec.name}`, labels });
      return labNode(spec, container, linkAddresses(spec.name, profile.links), await openExecChannel(container.getId()));
    })),
    Promise.all(segments.map(async (segment): Promise<SwitchNode> => {
      const container = await startNodeContainer({ image, containerName: `${name}-sw-${segment.name}`, labels });
      return { segment: segment.name, node: labNode({ name: `sw-${segment.name}`, role: 'host' }, container, [], await openExecChannel(container.getId())) };
    })),
  ]));
  const nodes = new Map(nodeList.map((n) => [n.name, n]));
  const switches = new Map(switchList.map((s) => [s.segment, s]));
  step(`${nodes.size} nodes and ${switches.size} switches started`);

  const view = labView(profile, nodes);
  await timePhase(phases, 'links wired, nodes set up', profile.links.length, async () => {
    await wireLinks({ image, containerName: `${name}-wirer`, labels, links: profile.links, nodes, switches });
    await Promise.all(segments.map((s) => bridgeSwitchPorts(switches.get(s.name)!, s.members.length)));
    await Promise.all(profile.nodes.map(async (spec) => {
      const node = view.node(spec.name);
      await node.sh(['true', ...linkEndCommands(spec.name, profile.links)]);
      for (const [path, content] of Object.entries(spec.files ?? {})) await node.writeFile(path, content);
      if (spec.setup?.length) await node.sh(spec.setup);
      await profile.datapath.setupNode?.(node, view);
    }));
  });
  step('links wired, nodes set up');

  const settle = () => boundNeighbourQueues(nodeList);
  const pods: PodHandle[] = await timePhase(phases, 'pods plugged', profile.pods.length, async () => {
    const plugged = await Promise.all(profile.pods.map(async (spec) => {
      const node = view.node(spec.node);
      await createPodNetns(spec, node);
      await profile.datapath.plugPod?.(spec, node, view);
      return labPod(spec, node);
    }));
    await settle();
    return plugged;
  });
  // The datapath's own poll: BGP sessions established and routes learnt, remote blocks or subnets programmed.
  if (profile.datapath.ready) await timePhase(phases, 'routes/BGP converged', 1, () => profile.datapath.ready!(view));
  step(`${pods.length} pods plugged, datapath ${profile.datapath.name} ready`);

  const first = nodeList[0];
  const kernel = first ? await detectKernel(first) : { ipip: false, vxlan: false };
  const destroy = () => (options.keep ? Promise.resolve() : removeCluster(options.runId, profile.name));
  return {
    name: profile.name,
    profile,
    nodes: nodeList,
    pods,
    capabilities: { provider: 'lab', cni: profile.cni, features: profile.datapath.features, kernel, versions: {} },
    node: (n) => view.node(n),
    pod: (p) => pods.find((x) => x.name === p) ?? unknown('pod', p, pods.map((x) => x.name)),
    settle,
    destroy,
    [Symbol.asyncDispose]: destroy,
    provisioning: phases,
  };
}

function labView(profile: LabProfile, nodes: Map<string, LabNode>): LabView {
  return {
    profile,
    node: (n) => nodes.get(n) ?? unknown('node', n, [...nodes.keys()]),
    address(node, iface) {
      const found = linkAddresses(node, profile.links, iface)[0];
      if (!found) throw new Error(`failed to find an address of node "${node}"${iface ? ` on ${iface}` : ''} in profile "${profile.name}"`);
      return found;
    },
  };
}

function unknown(what: string, name: string, known: string[]): never {
  throw new Error(`${what} "${name}": unknown; known: ${known.join(', ')}`);
}
