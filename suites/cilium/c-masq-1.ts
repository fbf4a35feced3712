import { defineBehaviour } from '../check.ts';
import { cni, feature } from '../requirements.ts';
import { CONFIG_CONTROL_TIMEOUT_MS, DOCS, agentStatuses, setConfig } from './agents.ts';

export interface MasqObservation {
  agents: { pod: string; mode?: string; devices: string[]; nativeCidrs: string[]; ipv4?: boolean }[];
}

/** BPF masquerading on eth0 for IPv4, with a native-routing CIDR that is not masqueraded. */
export function expectBpfMasquerade(v: MasqObservation): string[] {
  const problems: string[] = [];
  for (const a of v.agents) {
    if (a.mode !== 'BPF') problems.push(`agent ${a.pod}: Masquerading is ${a.mode ?? 'not reported'}, expected BPF; set bpf.masquerade=true`);
    else {
      if (!a.devices.includes('eth0')) problems.push(`agent ${a.pod}: BPF masquerading devices are [${a.devices.join(', ')}], expected eth0`);
      if (a.nativeCidrs.length === 0) problems.push(`agent ${a.pod}: no native-routing CIDR shown; set ipv4NativeRoutingCIDR`);
    }
    if (a.ipv4 !== true) problems.push(`agent ${a.pod}: IPv4 masquerading is ${a.ipv4 === false ? 'Disabled' : 'not reported'}, expected Enabled`);
  }
  if (v.agents.length === 0) problems.push('no cilium agent was probed');
  return problems;
}

export const cMasq1 = defineBehaviour<MasqObservation>({
  id: 'C-MASQ-1',
  title: 'BPF masquerading',
  docs: DOCS.masquerading,
  requires: [cni('cilium'), feature('bpf-masquerade', 'cilium-config enable-bpf-masquerade=true (bpf.masquerade=true)')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  timeoutMs: CONFIG_CONTROL_TIMEOUT_MS,
  async probe(cluster) {
    const { raw, value } = await agentStatuses(cluster);
    return {
      raw,
      value: {
        agents: value.map((a) => {
          const m = a.status.masquerading;
          return { pod: a.pod, devices: m?.devices ?? [], nativeCidrs: m?.nativeCidrs ?? [], ...(m ? { mode: m.mode } : {}), ...(m?.ipv4 !== undefined ? { ipv4: m.ipv4 } : {}) };
        }),
      },
    };
  },
  expect: expectBpfMasquerade,
  negativeControls: [
    {
      name: 'BPF masquerade turned off',
      owner: {
        owner: 'nobody (ConfigMap kube-system/cilium-config)', reverts: 'never', breakage: 'changes',
        why: 'cilium config set rewrites cilium-config and restarts the agents; Helm rendered it once at install and no operator reconciles it',
      },
      apply: (cluster) => setConfig(cluster, 'enable-bpf-masquerade', 'false', 'true'),
      expectFailure: /Masquerading is IPTables, expected BPF/,
    },
  ],
});
