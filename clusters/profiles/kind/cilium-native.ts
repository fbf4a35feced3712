import type { KindProfile } from '../../kind/types.ts';
import { ciliumBase, crossBehaviours, kindPodSubnet, threeNodes } from './common.ts';

export const ciliumNative: KindProfile = {
  name: 'cilium-native',
  description: 'Cilium native routing on the kind network: autoDirectNodeRoutes, no tunnel device, BPF masquerading outside the native CIDR.',
  provider: 'kind',
  cni: 'cilium',
  behaviours: ['C-NAT-1', 'C-MASQ-1', 'C-HR-1', 'C-KPR-1', ...crossBehaviours],
  clusters: [{
    suffix: 'cil-native',
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
      },
    },
  }],
};
