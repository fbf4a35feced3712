import { defineBehaviour } from '../check.ts';
import { cni, feature } from '../requirements.ts';
import { CONFIG_CONTROL_TIMEOUT_MS, DOCS, agentStatuses, setConfig } from './agents.ts';

export interface HostRoutingObservation { agents: { pod: string; host?: string; network?: string }[] }

export function expectHostRouting(want: 'BPF' | 'Legacy') {
  return (v: HostRoutingObservation): string[] => {
    const fix = want === 'BPF' ? 'needs bpf.masquerade=true, kubeProxyReplacement=true and a 5.10+ kernel' : 'set bpf.masquerade=false or bpf.hostLegacyRouting=true';
    const problems = v.agents
      .filter((a) => a.host !== want)
      .map((a) => `agent ${a.pod}: Host routing is ${a.host ?? 'not reported'}, expected ${want} (${fix})`);
    if (v.agents.length === 0) problems.push('no cilium agent was probed');
    return problems;
  };
}

export const cHr1 = defineBehaviour<HostRoutingObservation>({
  id: 'C-HR-1',
  title: 'BPF host routing active',
  docs: DOCS.hostRouting,
  requires: [cni('cilium'), feature('bpf-host-routing', 'cilium-config: enable-bpf-masquerade=true, kube-proxy-replacement=true, enable-host-legacy-routing not true')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  // Each control restarts every agent twice (set, undo), each waiting up to 5 min for cilium status --wait.
  timeoutMs: CONFIG_CONTROL_TIMEOUT_MS,
  async probe(cluster) {
    const { raw, value } = await agentStatuses(cluster);
    return { raw, value: { agents: value.map((a) => ({ pod: a.pod, ...a.status.routing })) } };
  },
  expect: expectHostRouting('BPF'),
  negativeControls: [
    {
      name: 'legacy host routing forced',
      owner: {
        owner: 'nobody (ConfigMap kube-system/cilium-config)', reverts: 'never', breakage: 'changes',
        why: 'cilium config set rewrites cilium-config and restarts the agents; Helm rendered it once at install and no operator reconciles it',
      },
      apply: (cluster) => setConfig(cluster, 'enable-host-legacy-routing', 'true', 'false'),
      expectFailure: /Host routing is Legacy, expected BPF/,
    },
  ],
});
