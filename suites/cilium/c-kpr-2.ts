import { parseIptablesSave, rulesForService } from '../../helpers/parsers/iptables-save.ts';
import { defineBehaviour } from '../check.ts';
import type { NodeHandle } from '../../clusters/types.ts';
import { pollUntilDone } from '../../helpers/probes/poll.ts';
import { PartialBreakage } from '../control-run.ts';
import { kubectl, output } from '../kube-actions.ts';
import type { Breakage } from '../types.ts';
import { feature } from '../requirements.ts';
import { DOCS } from './agents.ts';

/** The service every cluster has; its KUBE-SVC chains prove kube-proxy programs iptables (pkg/proxy/iptables/proxier.go@v1.36.1 servicePortPolicyClusterChainNamePrefix). */
export const PROBE_SERVICE = 'kube-system/kube-dns';

export interface KubeProxyRulesObservation {
  service: string;
  nodes: { node: string; svcChains: string[] }[];
}

/** Negative twin of C-KPR-1: with kube-proxy, every node has KUBE-SVC chains for the service. */
export function expectKubeProxyRules(v: KubeProxyRulesObservation): string[] {
  const problems = v.nodes
    .filter((n) => n.svcChains.length === 0)
    .map((n) => `node ${n.node}: expected KUBE-SVC- chains for service ${v.service}, found none; is kube-proxy running in iptables mode?`);
  if (v.nodes.length === 0) problems.push('no node was probed');
  return problems;
}

export function svcChainsOf(text: string, service: string): string[] {
  const targets = rulesForService(parseIptablesSave(text), service).map((r) => r.target ?? '');
  return [...new Set(targets.filter((t) => t.startsWith('KUBE-SVC-')))].sort();
}

export const cKpr2 = defineBehaviour<KubeProxyRulesObservation>({
  id: 'C-KPR-2',
  title: 'negative control: default kind with kube-proxy has KUBE-SVC rules',
  docs: DOCS.kpr,
  // kind defaults kubeProxyMode to iptables: pkg/internal/apis/config/default.go@v0.32.0.
  requires: [feature('kube-proxy', 'DaemonSet kube-system/kube-proxy: kind kubeProxyMode iptables')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  async probe(cluster) {
    const raw: Record<string, string> = {};
    const nodes: KubeProxyRulesObservation['nodes'] = [];
    for (const node of cluster.nodes) {
      const text = await output(`node ${node.name}`, (a) => node.exec(a), ['iptables-save', '-t', 'nat']);
      raw[`${node.name}: iptables-save -t nat`] = text;
      nodes.push({ node: node.name, svcChains: svcChainsOf(text, PROBE_SERVICE) });
    }
    return { raw, value: { service: PROBE_SERVICE, nodes } };
  },
  expect: expectKubeProxyRules,
  negativeControls: [
    {
      name: 'KUBE-SERVICES flushed on one node, kube-proxy kept off it',
      owner: {
        owner: 'kube-proxy (kept off the node first: its DaemonSet excludes the node)', reverts: 'never', breakage: 'removes',
        why: 'kube-proxy rewrites all of nat KUBE-SERVICES on every sync, partial or full (pkg/proxy/iptables/proxier.go@v1.36.1 syncProxyRules): '
          + 'on any Service or EndpointSlice change, at most once per minSyncPeriod (kind sets iptables.minSyncPeriod 1s, '
          + 'pkg/cluster/internal/kubeadm/config.go@v0.32.0), at least hourly (pkg/proxy/util/utils.go@v1.36.1 FullSyncPeriod), and when its canary '
          + 'chain goes (checked every syncPeriod, 30s by default: pkg/proxy/apis/config/v1alpha1/defaults.go@v1.36.1), so the flush alone raced it; '
          + 'with its pod gone from the node nothing writes the chain, and a kube-proxy that exits leaves its rules as they are (it removes '
          + 'iptables rules only at start for another mode, or with --cleanup: cmd/kube-proxy/app/options.go@v1.36.1 Run)',
      },
      async apply(cluster) {
        const node = cluster.nodes[0];
        if (!node) throw new Error(`cluster "${cluster.name}": no node to break`);
        const off = await kubeProxyOffNode((argv) => kubectl(cluster, argv), node.name);
        try {
          const flush = await flushKubeServices(node);
          return { what: `${off.what}; ${flush.what}`, undo: async () => { try { await flush.undo(); } finally { await off.undo(); } } };
        } catch (error) {
          throw new PartialBreakage(`${off.what}, then the flush failed (${(error as Error).message})`, off.undo, { cause: error });
        }
      },
      expectFailure: /expected KUBE-SVC- chains for service kube-system\/kube-dns, found none/,
    },
  ],
});

/** kube-proxy as kubeadm deploys it: DaemonSet kube-system/kube-proxy, pods k8s-app=kube-proxy, no affinity (cmd/kubeadm/app/phases/addons/proxy/manifests.go@v1.36.1). */
export const KUBE_PROXY = { namespace: 'kube-system', daemonSet: 'kube-proxy', selector: 'k8s-app=kube-proxy' } as const;

/** Strategic-merge patch that keeps the DaemonSet's pods off one node (the DaemonSet controller deletes the pod there: pkg/controller/daemon/daemon_controller.go@v1.36.1 NodeShouldRunDaemonPod, !shouldContinueRunning). */
export function keepOffNodePatch(node: string): string {
  return JSON.stringify({ spec: { template: { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {
    nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: [node] }] }],
  } } } } } } });
}

/**
 * Takes kube-proxy off one node so that nothing rewrites its nat rules: the DaemonSet's pod template gets a node affinity
 * excluding the node, and apply returns once no kube-proxy pod is left there. Refuses a DaemonSet that already has an
 * affinity (the undo removes the whole field). Undo removes the affinity and waits for the rollout.
 */
export async function kubeProxyOffNode(kubectl: (argv: string[]) => Promise<string>, node: string, deadlineMs = 180_000, intervalMs = 2_000): Promise<Breakage> {
  const ds = ['-n', KUBE_PROXY.namespace, 'daemonset', KUBE_PROXY.daemonSet];
  const affinity = await kubectl(['get', ...ds, '-o', 'jsonpath={.spec.template.spec.affinity}']);
  if (affinity.trim()) throw new Error(`failed to keep kube-proxy off ${node}: its DaemonSet already has an affinity (${affinity.trim()}), which the undo would lose`);
  await kubectl(['patch', ...ds, '--type', 'strategic', '-p', keepOffNodePatch(node)]);
  const podsOnNode = async () => (await kubectl(['-n', KUBE_PROXY.namespace, 'get', 'pods', '-l', KUBE_PROXY.selector, '--field-selector', `spec.nodeName=${node}`, '-o', 'name']))
    .split('\n').filter(Boolean);
  await pollUntilDone(`no kube-proxy pod left on ${node}`, async () => (await podsOnNode()).map((p) => `${p} still on ${node}`), deadlineMs, intervalMs);
  return {
    what: `kube-proxy kept off ${node} (DaemonSet node affinity)`,
    async undo() {
      await kubectl(['patch', ...ds, '--type', 'json', '-p', JSON.stringify([{ op: 'remove', path: '/spec/template/spec/affinity' }])]);
      await kubectl(['-n', KUBE_PROXY.namespace, 'rollout', 'status', `daemonset/${KUBE_PROXY.daemonSet}`, '--timeout', `${Math.round(deadlineMs / 1000)}s`]);
    },
  };
}

/** `iptables-restore --noflush` input that rewrites one nat chain to the rules it has in `save` (iptables-save -t nat). */
export function chainRestoreInput(save: string, chain: string): string {
  const lines = save.split('\n');
  const header = lines.find((l) => l.startsWith(`:${chain} `));
  if (!header) throw new Error(`iptables-save -t nat has no chain ${chain}`);
  return ['*nat', header, ...lines.filter((l) => l.startsWith(`-A ${chain} `)), 'COMMIT', ''].join('\n');
}

async function kubeDnsChains(node: NodeHandle): Promise<string[]> {
  return svcChainsOf(await output(`node ${node.name}`, (a) => node.exec(a), ['iptables-save', '-t', 'nat']), PROBE_SERVICE);
}

/**
 * Flushes nat KUBE-SERVICES on `node`; undo writes back the copy saved before. The undo restores the state itself rather
 * than waiting for kube-proxy: it rewrites KUBE-SERVICES only when a Service or EndpointSlice changes, its canary chain goes, or
 * at least hourly (pkg/proxy/iptables/proxier.go@v1.36.1 syncProxyRules, pkg/proxy/util/utils.go@v1.36.1 FullSyncPeriod). A chain line in
 * `iptables-restore --noflush` input flushes that chain before its rules are added (checked with the machine's
 * iptables in c-kpr-2.test.ts). Should the copy be stale (kube-proxy changed a service in between), the undo waits
 * for kube-proxy's own resync instead. Apply and undo each poll until the node's rules show the state they name.
 */
export async function flushKubeServices(node: NodeHandle, deadlineMs = 120_000, intervalMs = 1_000): Promise<Breakage> {
  const saved = chainRestoreInput(await output(`node ${node.name}`, (a) => node.exec(a), ['iptables-save', '-t', 'nat']), 'KUBE-SERVICES');
  await output(`node ${node.name}`, (a) => node.exec(a), ['iptables', '-w', '5', '-t', 'nat', '-F', 'KUBE-SERVICES']);
  await pollUntilDone(`KUBE-SERVICES on ${node.name} without ${PROBE_SERVICE} rules`, async () => {
    const chains = await kubeDnsChains(node);
    return chains.length > 0 ? [`${PROBE_SERVICE} still jumps to ${chains.join(', ')} (kube-proxy resynced at once?)`] : [];
  }, 10_000, intervalMs);
  return {
    what: `nat KUBE-SERVICES flushed on ${node.name}`,
    async undo() {
      const restore = await node.exec(['sh', '-c', 'printf %s "$1" | iptables-restore -w 5 --noflush', 'sh', saved]);
      const how = restore.exitCode === 0 ? 'restored from the saved copy' : `saved copy refused (${restore.stderr.trim().replace(/\s+/g, ' ')}), waiting for kube-proxy's resync`;
      await pollUntilDone(`${PROBE_SERVICE} rules back in KUBE-SERVICES on ${node.name} (${how})`, async () =>
        ((await kubeDnsChains(node)).length > 0 ? [] : [`no KUBE-SVC- chain for ${PROBE_SERVICE}`]), deadlineMs, intervalMs);
    },
  };
}
