import type { ClusterHandle, PodHandle } from '../../clusters/types.ts';
import { parseCiliumStatus, parseCiliumStatusStrict, type CiliumStatus } from '../../helpers/parsers/cilium-status.ts';
import { ciliumAgentPods, systemPods } from '../../clusters/kind/system-pods.ts';
import { pollUntilDone } from '../../helpers/probes/poll.ts';
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

/** Test timeout of a behaviour whose control goes through setConfig: two agent restarts of up to 11 min each, plus probes. */
export const CONFIG_CONTROL_TIMEOUT_MS = 1_800_000;

/**
 * Waits until Cilium runs again after its agents were deleted: every agent pod is a new one (none of `before` left,
 * as many as before), then `cilium status --wait --interactive=false` as cilium-cli's own CI does
 * (.github/workflows/kind.yaml@v0.19.7); it returns once the DaemonSet and every pod report ready, or fails after
 * --wait-duration (defaults.StatusWaitDuration, 5 min). Never `rollout status`: the DaemonSet spec is unchanged.
 */
export async function agentsReplaced(cluster: ClusterHandle, before: readonly string[], why: string, deadlineMs = 300_000, intervalMs = 2_000): Promise<void> {
  const kube = kubeOf(cluster);
  await pollUntilDone(`new cilium agent pods after ${why}`, async () => {
    const now = (await ciliumAgentPods(kube)).map((p) => p.name);
    const left: string[] = [];
    const old = now.filter((n) => before.includes(n));
    if (old.length > 0) left.push(`old agent pods still running: ${old.join(', ')}`);
    if (now.length < before.length) left.push(`${now.length} of ${before.length} agent pods present`);
    return left;
  }, deadlineMs, intervalMs);
  await output(`cluster "${cluster.name}"`, (a) => kube.run(a, { timeoutMs: 360_000 }), ['cilium', 'status', '--wait', '--interactive=false', '--wait-duration', '5m']);
}

/**
 * Negative-control helper: `cilium config set KEY VALUE`, which patches cilium-config and deletes the agent and operator
 * pods (DeletePodCollection k8s-app=cilium and io.cilium/app=operator, cilium-cli config/config.go@v0.19.7
 * restartPodsUponConfigChange) and returns at once; each of apply and undo then waits for the replacement agents.
 */
export async function setConfig(cluster: ClusterHandle, key: string, value: string, undo: string): Promise<Breakage> {
  const kube = kubeOf(cluster);
  const set = async (v: string) => {
    const before = (await ciliumAgentPods(kube)).map((p) => p.name);
    await output(`cluster "${cluster.name}"`, (a) => kube.run(a, { timeoutMs: 600_000 }), ['cilium', 'config', 'set', key, v]);
    await agentsReplaced(cluster, before, `cilium config set ${key} ${v}`);
  };
  await set(value);
  return { what: `cilium config ${key}=${value}`, undo: () => set(undo) };
}

export { parseCiliumStatus };

/** C-CM-*: the cluster runs Cilium with clustermesh set up (detected from cilium-config and the apiserver Deployment). */
export const clustermeshRequirements = [cni('cilium'), feature('clustermesh', 'cilium-config cluster-id > 0 and the clustermesh-apiserver Deployment')];

