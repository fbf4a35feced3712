import type { KindProfile } from '../../kind/types.ts';
import { ciliumBase, crossBehaviours, kindPodSubnet, threeNodes } from './common.ts';

export const ciliumDsr: KindProfile = {
  name: 'cilium-dsr',
  description: 'Cilium kube-proxy replacement with direct server return (DSR needs native routing): backends see the client address.',
  provider: 'kind',
  cni: 'cilium',
  behaviours: ['C-DSR-1', 'C-KPR-1', ...crossBehaviours],
  clusters: [{
    suffix: 'cil-dsr',
    networking: { disableDefaultCNI: true, podSubnet: kindPodSubnet, kubeProxyMode: 'none' },
    nodes: threeNodes(),
    install: {
      cni: 'cilium',
      values: {
        ...ciliumBase,
        kubeProxyReplacement: 'true',
        routingMode: 'native',
        autoDirectNodeRoutes: true,
        ipv4NativeRoutingCIDR: kindPodSubnet,
        bpf: { masquerade: true },
        loadBalancer: { mode: 'dsr' },
      },
    },
  }],
};
