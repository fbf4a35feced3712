import type { KindProfile } from '../../kind/types.ts';
import { ciliumBase, crossBehaviours, kindPodSubnet, threeNodes } from './common.ts';

export const ciliumKpr: KindProfile = {
  name: 'cilium-kpr',
  description: 'Cilium replacing kube-proxy (kind kubeProxyMode none), VXLAN tunnel, BPF masquerading and BPF host routing.',
  provider: 'kind',
  cni: 'cilium',
  behaviours: ['C-KPR-1', 'C-HR-1', 'C-MASQ-1', 'C-TUN-1', 'C-CT-1', ...crossBehaviours],
  clusters: [{
    suffix: 'cil-kpr',
    networking: { disableDefaultCNI: true, podSubnet: kindPodSubnet, kubeProxyMode: 'none' },
    nodes: threeNodes(),
    install: {
      cni: 'cilium',
      values: {
        ...ciliumBase,
        kubeProxyReplacement: 'true',
        routingMode: 'tunnel',
        tunnelProtocol: 'vxlan',
        bpf: { masquerade: true },
      },
    },
  }],
};
