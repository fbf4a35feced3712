import { defineBehaviour } from '../check.ts';
import { kubeOf } from '../kube-actions.ts';
import { cni, feature } from '../requirements.ts';
import { CONFIG_CONTROL_TIMEOUT_MS, DOCS, agents, agentStatuses, setConfig } from './agents.ts';
import { expectHostRouting, type HostRoutingObservation } from './c-hr-1.ts';

export const FALLBACK_LOG = 'Falling back to legacy host routing';

export interface FallbackObservation extends HostRoutingObservation {
  masquerading: { pod: string; mode?: string }[];
  /** Pods whose agent log has the fallback message. */
  fallbackLogged: string[];
}

/** Without BPF masquerade: Legacy host routing, iptables masquerading, and the agent says why. */
export function expectFallback(v: FallbackObservation): string[] {
  const problems = expectHostRouting('Legacy')(v);
  for (const m of v.masquerading) {
    if (m.mode !== 'IPTables') problems.push(`agent ${m.pod}: Masquerading is ${m.mode ?? 'not reported'}, expected IPTables with bpf.masquerade=false`);
  }
  for (const a of v.agents) {
    if (!v.fallbackLogged.includes(a.pod)) problems.push(`agent ${a.pod}: log lacks "${FALLBACK_LOG}"; the fallback reason is not reported`);
  }
  return problems;
}

export const cHr2 = defineBehaviour<FallbackObservation>({
  id: 'C-HR-2',
  title: 'fallback to legacy host routing without BPF masquerade',
  docs: DOCS.hostRouting,
  requires: [cni('cilium'), feature('legacy-host-routing', 'cilium-config enable-bpf-masquerade=false with IPv4 masquerading on, or enable-host-legacy-routing=true')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  timeoutMs: CONFIG_CONTROL_TIMEOUT_MS,
  async probe(cluster) {
    const { raw, value } = await agentStatuses(cluster);
    const kube = kubeOf(cluster);
    const fallbackLogged: string[] = [];
    for (const pod of await agents(cluster)) {
      const log = await kube.logs(pod.namespace, pod.name, 'cilium-agent');
      const hits = log.split('\n').filter((l) => l.includes(FALLBACK_LOG));
      raw[`${pod.name}: log lines with "${FALLBACK_LOG}"`] = hits.join('\n');
      if (hits.length > 0) fallbackLogged.push(pod.name);
    }
    return {
      raw,
      value: {
        agents: value.map((a) => ({ pod: a.pod, ...a.status.routing })),
        masquerading: value.map((a) => ({ pod: a.pod, ...(a.status.masquerading ? { mode: a.status.masquerading.mode } : {}) })),
        fallbackLogged,
      },
    };
  },
  expect: expectFallback,
  negativeControls: [
    {
      name: 'BPF masquerade turned on',
      owner: {
        owner: 'nobody (ConfigMap kube-system/cilium-config)', reverts: 'never', breakage: 'changes',
        why: 'cilium config set rewrites cilium-config and restarts the agents; Helm rendered it once at install and no operator reconciles it',
      },
      apply: (cluster) => setConfig(cluster, 'enable-bpf-masquerade', 'true', 'false'),
      expectFailure: /Host routing is BPF, expected Legacy/,
    },
  ],
});
