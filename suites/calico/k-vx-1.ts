import { defineBehaviour } from '../check.ts';
import { cni } from '../requirements.ts';
import { breakFirstRemote, probeVxlanMesh, vxlanMeshProblems, type VxlanNodeView, type VxlanSpec } from '../vxlan-mesh.ts';

export const CALICO_VXLAN: VxlanSpec = { device: 'vxlan.calico', vni: 4096, dstport: 4789, subnetSource: 'Felix blackholes the node\'s own block: "blackhole <block>/26"' };

const probe = (cluster: Parameters<typeof probeVxlanMesh>[0]) => probeVxlanMesh(cluster, CALICO_VXLAN.device, async (_node, routes) => ({
  subnets: routes.filter((r) => r.type === 'blackhole').map((r) => r.dst),
}));

/** K-VX-1: Felix's vxlan.calico (VNI 4096, port 4789) with a route, permanent neighbour and fdb entry per remote block. */
export const kVx1 = defineBehaviour<VxlanNodeView[]>({
  id: 'K-VX-1',
  title: 'VXLAN mode: remote blocks via vxlan.calico',
  docs: 'https://docs.tigera.io/calico/latest/networking/configuring/vxlan-ipip',
  requires: [cni('calico')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  probe,
  expect: (nodes) => vxlanMeshProblems(nodes, CALICO_VXLAN),
  negativeControls: [
    {
      name: 'fdb entry of the second node\'s VTEP deleted on the first node',
      expectFailure: /no fdb entry \S+ dst [\d.]+ permanent on vxlan\.calico/,
      apply: async (cluster) => breakFirstRemote(cluster, (await probe(cluster)).value, CALICO_VXLAN.device, 'fdb'),
    },
  ],
});
