import type { ClusterHandle, PodHandle } from '../../clusters/types.ts';
import { parseCiliumStatus, parseCiliumStatusStrict, type CiliumStatus } from '../../helpers/parsers/cilium-status.ts';
import { ciliumAgentPods, systemPods } from '../../clusters/kind/system-pods.ts';
import { unparsedEntry } from '../../helpers/probes/unparsed.ts';
import { kubeOf, output } from '../kube-actions.ts';
import type { Breakage } from '../types.ts';
import { cni, feature } from '../requirements.ts';

export const DOCS = {
  kpr: 'https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/',
  hostRouting: 'https://docs.cilium.io/en/stable/operations/performance/tuning/#ebpf-host-routing',
  masquerading: 'https://docs.cilium.io/en/stable/network/concepts/masquerading/',
  routing: 'https://docs.cilium.io/en/stable/network/concepts/routing/',
  dsr: 'https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/#direct-server-return-dsr',
  clustermesh: 'https://docs.cilium.io/en/stable/network/clustermesh/clustermesh/',
  services: 'https://docs.cilium.io/en/stable/network/clustermesh/services/',
  connectivity: 'https://docs.cilium.io/en/stable/cmdref/cilium_connectivity_test/',
};

/** The cilium agent pods (kube-system, k8s-app=cilium), exec'ing into container cilium-agent. */
export async function agents(cluster: ClusterHandle): Promise<PodHandle[]> {
  const pods = await ciliumAgentPods(kubeOf(cluster));
  const { namespace, selector } = systemPods.ciliumAgent;
  if (pods.length === 0) throw new Error(`cluster "${cluster.name}": no cilium agent pod (${namespace}, ${selector}); is Cilium installed?`);
  return pods;
}

export interface AgentStatus { pod: string; node: string; status: CiliumStatus }

/** `cilium-dbg status [--verbose]` on every agent, raw text keyed by pod. */
export async function agentStatuses(cluster: ClusterHandle, verbose = false): Promise<{ raw: Record<string, string>; value: AgentStatus[] }> {
  const raw: Record<string, string> = {};
  const value: AgentStatus[] = [];
  for (const pod of await agents(cluster)) {
    const text = await output(`cilium agent ${pod.name}`, (a) => pod.exec(a), ['cilium-dbg', 'status', ...(verbose ? ['--verbose'] : [])]);
    const status = parseCiliumStatusStrict(text);
    Object.assign(raw, { [`${pod.name}: cilium-dbg status`]: text }, unparsedEntry(`${pod.name}: cilium-dbg status`, status.unparsed));
    value.push({ pod: pod.name, node: pod.node, status });
  }
  return { raw, value };
}

/** Negative-control helper: `cilium config set KEY VALUE` (restarts agents), undone by setting `undo`. */
export async function setConfig(cluster: ClusterHandle, key: string, value: string, undo: string): Promise<Breakage> {
  const kube = kubeOf(cluster);
  const set = async (v: string) => {
    await output(`cluster "${cluster.name}"`, (a) => kube.run(a, { timeoutMs: 600_000 }), ['cilium', 'config', 'set', key, v]);
    await kube.waitReady('kube-system', 'daemonset/cilium');
  };
  await set(value);
  return { what: `cilium config ${key}=${value}`, undo: () => set(undo) };
}

export { parseCiliumStatus };

/** C-CM-*: the cluster runs Cilium with clustermesh set up (detected from cilium-config and the apiserver Deployment). */
export const clustermeshRequirements = [cni('cilium'), feature('clustermesh', 'cilium-config cluster-id > 0 and the clustermesh-apiserver Deployment')];

