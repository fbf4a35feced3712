import type { KindProfile } from '../../kind/types.ts';
import { ciliumBase, crossBehaviours, kindPodSubnet, threeNodes } from './common.ts';

export const ciliumLegacyHostRouting: KindProfile = {
  name: 'cilium-legacy-host-routing',
  description: 'Cilium with bpf.masquerade off: the agent falls back to legacy (kernel stack) host routing.',
  provider: 'kind',
  cni: 'cilium',
  behaviours: ['C-HR-2', 'C-KPR-1', ...crossBehaviours],
  clusters: [{
    suffix: 'cil-legacy',
    networking: { disableDefaultCNI: true, podSubnet: kindPodSubnet, kubeProxyMode: 'none' },
    nodes: threeNodes(),
    install: {
      cni: 'cilium',
      values: {
        ...ciliumBase,
        kubeProxyReplacement: 'true',
        routingMode: 'tunnel',
        tunnelProtocol: 'vxlan',
        bpf: { masquerade: false },
      },
    },
  }],
};
