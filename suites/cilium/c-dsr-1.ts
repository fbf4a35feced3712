import { defineBehaviour } from '../check.ts';
import { cni, feature } from '../requirements.ts';
import { DOCS, agentStatuses, setConfig } from './agents.ts';

export interface DsrObservation { agents: { pod: string; mode?: string; dsrDispatch?: string }[] }

/** `cilium-dbg status --verbose` KubeProxyReplacement Details `Mode: DSR` on every agent. */
export function expectDsr(v: DsrObservation): string[] {
  const problems = v.agents
    .filter((a) => a.mode !== 'DSR')
    .map((a) => `agent ${a.pod}: load-balancer Mode is ${a.mode ?? 'not reported'}, expected DSR; set loadBalancer.mode=dsr with routingMode=native`);
  if (v.agents.length === 0) problems.push('no cilium agent was probed');
  return problems;
}

export const cDsr1 = defineBehaviour<DsrObservation>({
  id: 'C-DSR-1',
  title: 'DSR load balancing',
  docs: DOCS.dsr,
  requires: [cni('cilium'), feature('dsr', 'cilium-config bpf-lb-mode=dsr (loadBalancer.mode=dsr)')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  async probe(cluster) {
    const { raw, value } = await agentStatuses(cluster, true);
    return { raw, value: { agents: value.map((a) => ({ pod: a.pod, ...a.status.kprDetails })) } };
  },
  expect: expectDsr,
  negativeControls: [
    {
      name: 'load balancer back to SNAT',
      apply: (cluster) => setConfig(cluster, 'bpf-lb-mode', 'snat', 'dsr'),
      expectFailure: /load-balancer Mode is SNAT, expected DSR/,
    },
  ],
});
