import { defineBehaviour } from '../check.ts';
import { kubectl } from '../kube-actions.ts';
import { cni, feature } from '../requirements.ts';
import { birdOn, DOCS, nodeStatuses, type NodeBgp } from './bgp.ts';
import { meshOnInKind } from './k-rr-1-kind.ts';
import { blockRouteProblems, meshOnInLab, reflectorsFromSessions, untilHolds } from './bgp-bird.ts';
import type { ClusterHandle } from '../../clusters/types.ts';

export const RR_LABEL = 'route-reflector';

export interface RrObservation { reflectors: string[]; nodes: NodeBgp[] }

/** Clients peer only with the reflectors (`node specific`), all Established; no mesh anywhere; every node still routes every block. */
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
  return [...problems, ...blockRouteProblems(v.nodes)];
}

export const kRr1 = defineBehaviour<RrObservation>({
  id: 'K-RR-1',
  title: 'route reflectors',
  docs: DOCS.bgp,
  requires: [cni('calico'), feature('route-reflector', 'RR nodes labelled route-reflector=true with routeReflectorClusterID, mesh off, BGPPeer peer-to-rrs')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  probe: probeRr,
  expect: expectRouteReflectors,
  negativeControls: [
    {
      name: 'node-to-node mesh turned back on',
      async apply(cluster) {
        if (cluster.capabilities.provider === 'lab') {
          return meshOnInLab(cluster, (await probeRr(cluster)).value.reflectors, async () => expectRouteReflectors((await probeRr(cluster)).value));
        }
        return meshOnInKind(cluster, (await probeRr(cluster)).value.reflectors);
      },
      expectFailure: /node-to-node mesh peers, expected none/,
    },
    {
      name: 'every BGP session of the route reflector disabled',
      async apply(cluster) {
        const [rr] = (await probeRr(cluster)).value.reflectors;
        if (!rr) throw new Error(`failed to break K-RR-1 on "${cluster.name}": no route reflector found`);
        const bird = birdOn(cluster, rr);
        await bird('disable', '"Node_*"');
        // Clients withdraw what the reflector taught them; wait until that shows, so the check sees it.
        await untilHolds(`clients of ${rr} losing its routes`, async () =>
          (expectRouteReflectors((await probeRr(cluster)).value).some((p) => /no route to/.test(p)) ? [] : ['a client still routing every block']), 30_000);
        return {
          what: `BIRD protocols Node_* disabled on reflector ${rr}`,
          async undo() {
            await bird('enable', '"Node_*"');
            await untilHolds(`K-RR-1 holding again after re-enabling ${rr}'s sessions`, async () => expectRouteReflectors((await probeRr(cluster)).value));
          },
        };
      },
      expectFailure: /node \S+: no route to \S+'s block [\d./]+ \(expected via [\d.]+ proto bird\)/,
    },
  ],
});

/** Reflectors by label on kind; on the lab (no labels) the node whose BIRD peers with every other node. */
async function probeRr(cluster: ClusterHandle): Promise<{ raw: Record<string, string>; value: RrObservation }> {
  const { raw, value } = await nodeStatuses(cluster);
  if (cluster.capabilities.provider === 'lab') return { raw, value: { reflectors: reflectorsFromSessions(value), nodes: value } };
  const names = await kubectl(cluster, ['get', 'nodes', '-l', `${RR_LABEL}=true`, '-o', 'jsonpath={.items[*].metadata.name}']);
  return { raw: { ...raw, reflectors: names }, value: { reflectors: names.split(/\s+/).filter(Boolean), nodes: value } };
}
