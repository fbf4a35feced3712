import type { KindClusterSpec, KindProfile } from '../../kind/types.ts';
import { ciliumBase, threeNodes } from './common.ts';

/** The clustermesh-apiserver NodePort each cluster exposes to the other. */
const clustermeshNodePort = 32379;

function meshMember(id: 1 | 2, podSubnet: string, serviceSubnet: string): KindClusterSpec {
  return {
    suffix: `mesh${id}`,
    networking: { disableDefaultCNI: true, podSubnet, serviceSubnet, kubeProxyMode: 'none' },
    nodes: threeNodes(),
    install: {
      cni: 'cilium',
      values: {
        ...ciliumBase,
        kubeProxyReplacement: 'true',
        routingMode: 'tunnel',
        tunnelProtocol: 'vxlan',
        bpf: { masquerade: true },
        cluster: { name: `cluster${id}`, id },
        clustermesh: {
          useAPIServer: true,
          apiserver: { service: { type: 'NodePort', nodePort: clustermeshNodePort } },
        },
      },
    },
  };
}

export const ciliumClustermesh: KindProfile = {
  name: 'cilium-clustermesh',
  description: 'Two kind clusters (pod CIDRs 10.10.0.0/16 and 10.20.0.0/16) joined by Cilium clustermesh, with a global rebel-base service.',
  provider: 'kind',
  cni: 'cilium',
  behaviours: ['C-CM-1', 'C-CM-2', 'C-CM-3'],
  clusters: [
    meshMember(1, '10.10.0.0/16', '10.110.0.0/16'),
    meshMember(2, '10.20.0.0/16', '10.120.0.0/16'),
  ],
  workloads: [
    { cluster: 0, sets: ['rebel-base', 'x-wing'] },
    { cluster: 1, sets: ['rebel-base', 'x-wing'] },
  ],
  clustermesh: { nodePort: clustermeshNodePort },
};
