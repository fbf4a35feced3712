import type { ClusterHandle } from '../../clusters/types.ts';
import { SUBNET_ENV_KEYS } from '../../helpers/parsers/flannel-subnet-env.ts';
import { defineBehaviour } from '../check.ts';
import { cni } from '../requirements.ts';
import type { Breakage, Observation, ProbeOptions } from '../types.ts';
import { nodeChange } from '../pod-path.ts';
import { breakFirstRemote, probeVxlanMesh, probeVxlanPaths, vxlanMeshProblems, vxlanPathControls, vxlanPathProblems, type VxlanNodeView, type VxlanObservation, type VxlanSpec } from '../vxlan-mesh.ts';
import { FLANNEL_DOCS, probeSubnetEnv, SUBNET_ENV, SUBNET_ENV_READ } from './subnets.ts';

export const FLANNEL_VXLAN: VxlanSpec = { device: 'flannel.1', vni: 1, dstport: 8472, nolearning: true, subnetSource: `FLANNEL_SUBNET in ${SUBNET_ENV}` };

export interface FlannelVxlanView extends VxlanNodeView {
  /** Keys of subnet.env flanneld must write and this node lacks. */
  missingEnv: string[];
  /** FLANNEL_MTU as written: flanneld writes the VXLAN device's MTU (pkg/subnet/config.go WriteSubnetFile, backend MTU()). */
  envMtu?: number;
}

export interface FlannelVxlanObservation extends VxlanObservation { nodes: FlannelVxlanView[] }

/** The static state per node with its subnet.env. */
async function probeNodes(cluster: ClusterHandle): Promise<{ raw: Record<string, string>; value: FlannelVxlanView[] }> {
  const envs = new Map<string, { missing: string[]; mtu?: number }>();
  const nodes = await probeVxlanMesh(cluster, FLANNEL_VXLAN.device, async (node, _routes, reads) => {
    const lease = await probeSubnetEnv(node, reads);
    const mtu = Number(lease.env.FLANNEL_MTU);
    envs.set(node.name, { missing: SUBNET_ENV_KEYS.filter((k) => !lease.env[k]), ...(Number.isFinite(mtu) && lease.env.FLANNEL_MTU ? { mtu } : {}) });
    return lease;
  }, [SUBNET_ENV_READ]);
  return { raw: nodes.raw, value: nodes.value.map((v): FlannelVxlanView => {
    const e = envs.get(v.node);
    return { ...v, missingEnv: e?.missing ?? [], ...(e?.mtu !== undefined ? { envMtu: e.mtu } : {}) };
  }) };
}

const probe = (cluster: ClusterHandle, options?: ProbeOptions): Promise<Observation<FlannelVxlanObservation>> =>
  probeVxlanPaths(cluster, FLANNEL_VXLAN, probeNodes(cluster), options);

/** subnet.env against the device: FLANNEL_MTU is flannel.1's MTU (larger, pods send frames the tunnel cannot carry). */
export function subnetEnvProblems(nodes: FlannelVxlanView[]): string[] {
  return nodes.flatMap((n) => {
    if (n.missingEnv.length > 0) return [`node ${n.node}: ${SUBNET_ENV} lacks ${n.missingEnv.join(', ')}`];
    const dev = n.device?.mtu;
    if (n.envMtu === undefined || dev === undefined || n.envMtu === dev) return [];
    return [`node ${n.node}: ${SUBNET_ENV} FLANNEL_MTU ${n.envMtu} ${n.envMtu > dev ? 'larger than' : 'differs from'} ${FLANNEL_VXLAN.device} MTU ${dev}${n.envMtu > dev ? ': pods would send frames the tunnel cannot carry' : ''}`];
  });
}

/** L-VX-1: flannel.1 (VNI 1, port 8472, nolearning), routes/neighbours/fdb per remote /24, subnet.env per node matching the device; the kernel and the wire agree. */
export const lVx1 = defineBehaviour<FlannelVxlanObservation>({
  id: 'L-VX-1',
  title: 'flannel VXLAN backend',
  docs: FLANNEL_DOCS,
  requires: [cni('flannel')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  probe,
  expect: (v) => [...subnetEnvProblems(v.nodes), ...vxlanMeshProblems(v.nodes, FLANNEL_VXLAN), ...vxlanPathProblems(v, FLANNEL_VXLAN)],
  negativeControls: [
    {
      name: 'neighbour entry of the second node\'s VTEP deleted on the first node',
      owner: {
        owner: 'flanneld', reverts: 'on-event', breakage: 'removes',
        why: 'flanneld writes a VTEP\'s neighbour and fdb entries when a lease event comes (pkg/backend/vxlan/vxlan_network.go@v0.28.9 handleSubnetEvents: AddARP, AddFDB), with no timer',
      },
      // The check's own pings run beside its reads: by the time the neighbours are read, the kernel may already be
      // resolving the deleted one (an INCOMPLETE or FAILED entry without lladdr). Either way it is not the VTEP's.
      expectFailure: /neighbour [\d.]+ on flannel\.1 is (missing|lladdr \(none\) (INCOMPLETE|FAILED)), expected lladdr \S+ PERMANENT/,
      apply: async (cluster) => breakFirstRemote(cluster, (await probeNodes(cluster)).value, FLANNEL_VXLAN.device, 'neighbour'),
    },
    {
      name: 'subnet.env FLANNEL_MTU larger than flannel.1\'s MTU',
      owner: {
        owner: 'flanneld', reverts: 'on-event', breakage: 'changes',
        why: 'flanneld writes subnet.env at start (main.go@v0.28.9 HandleSubnetFile -> pkg/subnet/subnet.go WriteSubnetFile) and again only when a ClusterCIDR resource is created (pkg/subnet/kube/kube.go)',
      },
      expectFailure: /FLANNEL_MTU \d+ larger than flannel\.1 MTU \d+/,
      async apply(cluster): Promise<Breakage> {
        const [a] = (await probeNodes(cluster)).value;
        const mtu = a?.device?.mtu;
        if (!a || mtu === undefined) throw new Error('failed to break L-VX-1: the first node has no flannel.1 MTU');
        const node = cluster.node(a.node);
        const saved = `${SUBNET_ENV}.before-mtu`;
        return nodeChange(node, {
          what: `FLANNEL_MTU=${mtu + 50} in ${SUBNET_ENV}`,
          apply: [`cp ${SUBNET_ENV} ${saved}`, `sed -i 's/^FLANNEL_MTU=.*/FLANNEL_MTU=${mtu + 50}/' ${SUBNET_ENV}`],
          undo: [`mv ${saved} ${SUBNET_ENV}`],
          inEffect: async () => (await node.exec(['cat', SUBNET_ENV])).stdout.includes(`FLANNEL_MTU=${mtu + 50}`),
        });
      },
    },
    ...vxlanPathControls(FLANNEL_VXLAN, probeNodes).filter((c) => !/stale/.test(c.name)),
  ],
});
