import type { ClusterHandle, PodHandle } from '../../clusters/types.ts';
import { probeAddresses, probeLinks, probeRoutes, rawOf, type Probed } from '../../helpers/probes/net.ts';
import { defineBehaviour } from '../check.ts';

/** Bytes each encapsulation adds to an inner IPv4 packet (outer IP + UDP + VXLAN/Geneve header; outer IP for IPIP). */
export const ENCAP_OVERHEAD: Record<string, number> = { vxlan: 50, geneve: 50, ipip: 20 };

export interface NodeMtuView {
  node: string;
  underlay?: { iface: string; mtu: number };
  /** Encapsulation devices that are up (a DOWN tunl0 a module load made carries nothing). */
  tunnels: Array<{ name: string; kind: string; overhead: number }>;
}

export interface PodMtuView {
  pod: string;
  node: string;
  eth0Mtu?: number;
  /** An `mtu N` on the pod's default route (Cilium lowers the route, not the device). */
  routeMtu?: number;
}

export interface MtuObservation {
  nodes: NodeMtuView[];
  pods: PodMtuView[];
}

/** X-MTU-1: each pod's MTU is its node's underlay MTU minus the overhead of the encapsulation the node runs. */
export const xMtu1 = defineBehaviour<MtuObservation>({
  id: 'X-MTU-1',
  title: 'pod MTU matches the encapsulation overhead of the profile',
  docs: 'https://docs.tigera.io/calico/latest/networking/configuring/mtu',
  requires: [],
  needs: [{ kind: 'pods-on-nodes', count: 2 }],
  async probe(cluster) {
    const raw: Array<[string, Probed<unknown>]> = [];
    const nodes = await Promise.all(cluster.nodes.map(async (node): Promise<NodeMtuView> => {
      const [links, addrs] = await Promise.all([probeLinks(node), probeAddresses(node)]);
      raw.push([node.name, links], [node.name, addrs]);
      const iface = addrs.value.find((a) => node.addresses.includes(a.address))?.iface;
      const mtu = links.value.find((l) => l.name === iface)?.mtu;
      const tunnels = links.value
        .filter((l) => l.kind && l.kind in ENCAP_OVERHEAD && l.flags.includes('UP'))
        .map((l) => ({ name: l.name, kind: l.kind!, overhead: ENCAP_OVERHEAD[l.kind!]! }));
      return { node: node.name, ...(iface && mtu ? { underlay: { iface, mtu } } : {}), tunnels };
    }));
    const pods = await Promise.all(cluster.pods.map(async (pod): Promise<PodMtuView> => {
      const [links, routes] = await Promise.all([probeLinks(pod, 'eth0'), probeRoutes(pod)]);
      raw.push([pod.name, links], [pod.name, routes]);
      const eth0Mtu = links.value[0]?.mtu;
      const routeMtu = /\bmtu (\d+)/.exec(routes.value.find((r) => r.dst === 'default')?.raw ?? '')?.[1];
      return { pod: pod.name, node: pod.node, ...(eth0Mtu ? { eth0Mtu } : {}), ...(routeMtu ? { routeMtu: Number(routeMtu) } : {}) };
    }));
    return { raw: rawOf(raw), value: { nodes, pods } };
  },
  expect({ nodes, pods }) {
    if (pods.length === 0) return ['no pods to check'];
    return pods.flatMap((p) => {
      const node = nodes.find((n) => n.node === p.node);
      if (!node?.underlay) return [`node ${p.node}: no interface carries the node's address, so the underlay MTU is unknown`];
      const tunnel = [...node.tunnels].sort((a, b) => b.overhead - a.overhead)[0];
      const expected = node.underlay.mtu - (tunnel?.overhead ?? 0);
      const why = `underlay ${node.underlay.iface} ${node.underlay.mtu}${tunnel ? ` - ${tunnel.overhead} ${tunnel.kind} overhead of ${tunnel.name}` : ', no encapsulation device up'}`;
      if (p.eth0Mtu === undefined) return [`pod ${p.pod} on ${p.node}: no eth0 MTU, expected ${expected} (${why})`];
      const effective = Math.min(p.eth0Mtu, p.routeMtu ?? Infinity);
      if (effective === expected) return [];
      const seen = p.routeMtu !== undefined ? `eth0 MTU ${p.eth0Mtu} with default route mtu ${p.routeMtu}` : `eth0 MTU ${p.eth0Mtu}`;
      return [`pod ${p.pod} on ${p.node}: ${seen}, expected ${expected} (${why})`];
    });
  },
  negativeControls: [
    {
      name: 'first pod\'s eth0 MTU lowered by 100',
      // A Cilium pod's default route carries the route MTU (cilium plugins/cilium-cni/cmd/cmd.go@0125a30d, read as stored, not at
      // the v1.20.0 tag: veth at conf.DeviceMTU, routes
      // from prepareIP(..., conf.RouteMTU)), so the problem reads "eth0 MTU 1400 with default route mtu 1450, expected 1450".
      expectFailure: /pod \S+ on \S+: eth0 MTU \d+(?: with default route mtu \d+)?, expected \d+ \(underlay /,
      async apply(cluster) {
        const pod = firstPod(cluster);
        const before = (await probeLinks(pod, 'eth0')).value[0]?.mtu;
        if (!before) throw new Error(`failed to break X-MTU-1: pod ${pod.name} has no eth0 MTU`);
        await setMtu(pod, before - 100);
        return { what: `eth0 MTU ${before - 100} in pod ${pod.name}`, undo: () => setMtu(pod, before) };
      },
    },
  ],
});

function firstPod(cluster: ClusterHandle): PodHandle {
  const pod = cluster.pods[0];
  if (!pod) throw new Error('failed to break X-MTU-1: the cluster has no pods');
  return pod;
}

async function setMtu(pod: PodHandle, mtu: number): Promise<void> {
  const r = await pod.exec(['ip', 'link', 'set', 'dev', 'eth0', 'mtu', String(mtu)]);
  if (r.exitCode !== 0) throw new Error(`failed to set eth0 MTU ${mtu} in pod ${pod.name}: ${r.stderr}`);
}
