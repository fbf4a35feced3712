import { SUBNET_ENV_KEYS } from '../../helpers/parsers/flannel-subnet-env.ts';
import { defineBehaviour } from '../check.ts';
import { cni } from '../requirements.ts';
import { breakFirstRemote, probeVxlanMesh, vxlanMeshProblems, type VxlanNodeView, type VxlanSpec } from '../vxlan-mesh.ts';
import { FLANNEL_DOCS, probeSubnetEnv, SUBNET_ENV } from './subnets.ts';

export const FLANNEL_VXLAN: VxlanSpec = { device: 'flannel.1', vni: 1, dstport: 8472, nolearning: true, subnetSource: `FLANNEL_SUBNET in ${SUBNET_ENV}` };

export interface FlannelVxlanView extends VxlanNodeView {
  /** Keys of subnet.env flanneld must write and this node lacks. */
  missingEnv: string[];
}

async function probe(cluster: Parameters<typeof probeVxlanMesh>[0]) {
  const missing = new Map<string, string[]>();
  const { raw, value } = await probeVxlanMesh(cluster, FLANNEL_VXLAN.device, async (node) => {
    const lease = await probeSubnetEnv(node);
    missing.set(node.name, SUBNET_ENV_KEYS.filter((k) => !lease.env[k]));
    return lease;
  });
  return { raw, value: value.map((v): FlannelVxlanView => ({ ...v, missingEnv: missing.get(v.node) ?? [] })) };
}

/** L-VX-1: flannel.1 (VNI 1, port 8472, nolearning), routes/neighbours/fdb per remote /24, subnet.env per node. */
export const lVx1 = defineBehaviour<FlannelVxlanView[]>({
  id: 'L-VX-1',
  title: 'flannel VXLAN backend',
  docs: FLANNEL_DOCS,
  requires: [cni('flannel')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  probe,
  expect: (nodes) => [
    ...nodes.filter((n) => n.missingEnv.length > 0).map((n) => `node ${n.node}: ${SUBNET_ENV} lacks ${n.missingEnv.join(', ')}`),
    ...vxlanMeshProblems(nodes, FLANNEL_VXLAN),
  ],
  negativeControls: [
    {
      name: 'neighbour entry of the second node\'s VTEP deleted on the first node',
      expectFailure: /neighbour [\d.]+ on flannel\.1 is missing, expected lladdr \S+ PERMANENT/,
      apply: async (cluster) => breakFirstRemote(cluster, (await probe(cluster)).value, FLANNEL_VXLAN.device, 'neighbour'),
    },
  ],
});
