import { defineBehaviour } from '../check.ts';
import { cniIs, feature, kubeOf, kubectl, output } from '../kube-actions.ts';
import { DOCS, nodeStatuses, type NodeBgp } from './bgp.ts';

export const RR_LABEL = 'route-reflector';

export interface RrObservation { reflectors: string[]; nodes: NodeBgp[] }

/** Clients peer only with the reflectors (`node specific`), all Established; no mesh anywhere. */
export function expectRouteReflectors(v: RrObservation): string[] {
  const problems: string[] = [];
  if (v.reflectors.length === 0) problems.push(`no node labelled ${RR_LABEL}=true`);
  for (const n of v.nodes) {
    const mesh = n.status.ipv4Peers.filter((p) => p.type === 'node-to-node mesh');
    if (mesh.length > 0) problems.push(`node ${n.node}: ${mesh.length} node-to-node mesh peers, expected none (BGPConfiguration default nodeToNodeMeshEnabled: false)`);
    if (v.reflectors.includes(n.node)) continue;
    const toRr = n.status.ipv4Peers.filter((p) => p.type === 'node specific');
    if (toRr.length !== v.reflectors.length) problems.push(`client ${n.node}: ${toRr.length} node specific peers, expected ${v.reflectors.length} (one per reflector)`);
    for (const p of toRr) if (p.info !== 'Established') problems.push(`client ${n.node}: peer ${p.address} is ${p.state}/${p.info}, expected Established`);
  }
  return problems;
}

export const kRr1 = defineBehaviour<RrObservation>({
  id: 'K-RR-1',
  title: 'route reflectors',
  docs: DOCS.bgp,
  requires: [cniIs('calico'), feature('route-reflector', 'RR nodes labelled route-reflector=true with routeReflectorClusterID, mesh off, BGPPeer peer-to-rrs')],
  async probe(cluster) {
    const names = await kubectl(cluster, ['get', 'nodes', '-l', `${RR_LABEL}=true`, '-o', 'jsonpath={.items[*].metadata.name}']);
    const { raw, value } = await nodeStatuses(cluster);
    return { raw: { ...raw, reflectors: names }, value: { reflectors: names.split(/\s+/).filter(Boolean), nodes: value } };
  },
  expect: expectRouteReflectors,
  negativeControls: [
    {
      name: 'node-to-node mesh turned back on',
      async apply(cluster) {
        const kube = kubeOf(cluster);
        const patch = (on: boolean) => output(`cluster "${cluster.name}"`, (a) => kube.run(a), ['calicoctl', 'patch', 'bgpconfiguration', 'default', '-p', JSON.stringify({ spec: { nodeToNodeMeshEnabled: on } })]);
        await patch(true);
        return { what: 'nodeToNodeMeshEnabled: true', undo: async () => { await patch(false); } };
      },
      expectFailure: /node-to-node mesh peers, expected none/,
    },
  ],
});
