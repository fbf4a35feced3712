import type { KindProfile } from '../../kind/types.ts';
import { ciliumBase, crossBehaviours, kindPodSubnet, threeNodes } from './common.ts';

export const ciliumVxlan: KindProfile = {
  name: 'cilium-vxlan',
  description: 'Cilium with VXLAN tunnelling next to kube-proxy (iptables): the negative control for kube-proxy replacement.',
  provider: 'kind',
  cni: 'cilium',
  behaviours: ['C-TUN-1', 'C-KPR-2', 'C-CT-1', ...crossBehaviours],
  clusters: [{
    suffix: 'cil-vxlan',
    networking: { disableDefaultCNI: true, podSubnet: kindPodSubnet, kubeProxyMode: 'iptables' },
    nodes: threeNodes(),
    install: {
      cni: 'cilium',
      values: { ...ciliumBase, kubeProxyReplacement: 'false', routingMode: 'tunnel', tunnelProtocol: 'vxlan' },
    },
  }],
};
