import { FRR_CONVERGED } from '../../clusters/profiles/lab/fundamentals/fund-frr.ts';
import { FRR_LOOPBACKS } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import { waitFrrConverged } from '../../clusters/lab/datapaths/fundamentals/frr.ts';
import { probeOspfNeighbours } from '../../helpers/probes/frr.ts';
import { probeRoutes, rawOf, type Probed } from '../../helpers/probes/net.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import { pollFor, vtyshConf } from './lab-ops.ts';

export interface OspfView {
  routers: Array<{ router: string; neighbours: Array<{ routerId: string; state: string }>; ospfRoutes: string[] }>;
}

type Router = keyof typeof FRR_LOOPBACKS;
/** Area 0 adjacencies of the chain ar1 - ar2 - ar3, by router id. */
const ADJACENT: Record<Router, Router[]> = { ar1: ['ar2'], ar2: ['ar1', 'ar3'], ar3: ['ar2'] };
const ROUTERS = Object.keys(ADJACENT) as Router[];

/** F-OSPF-1: FRR OSPF area 0: every adjacency Full, the other routers' loopbacks in the kernel as proto ospf. */
export const fOspf1 = defineBehaviour<OspfView>({
  id: 'F-OSPF-1',
  title: 'OSPF area 0: neighbours Full, routes learnt as proto ospf',
  docs: 'https://docs.frrouting.org/en/stable-8.4/ospfd.html',
  requires: [feature('ospf')],
  async probe(cluster) {
    const raw: Array<[string, Probed<unknown>]> = [];
    const routers = await Promise.all(ROUTERS.map(async (router) => {
      const node = cluster.node(router);
      const [n, r] = await Promise.all([probeOspfNeighbours(node), probeRoutes(node)]);
      raw.push([router, n], [router, r]);
      return {
        router,
        neighbours: n.value.map((x) => ({ routerId: x.routerId, state: x.state })),
        ospfRoutes: r.value.filter((x) => x.proto === 'ospf').map((x) => x.dst),
      };
    }));
    return { raw: rawOf(raw), value: { routers } };
  },
  expect(v) {
    const problems: string[] = [];
    for (const router of ROUTERS) {
      const seen = v.routers.find((r) => r.router === router);
      if (!seen) { problems.push(`${router}: not observed`); continue; }
      for (const peer of ADJACENT[router]) {
        const n = seen.neighbours.find((x) => x.routerId === FRR_LOOPBACKS[peer]);
        if (!n?.state.startsWith('Full')) problems.push(`${router}: OSPF neighbour ${FRR_LOOPBACKS[peer]} (${peer}) is ${n?.state || 'missing'}, expected Full`);
      }
      for (const other of ROUTERS.filter((r) => r !== router)) {
        if (!seen.ospfRoutes.includes(FRR_LOOPBACKS[other])) problems.push(`${router}: no kernel route to ${other}'s loopback ${FRR_LOOPBACKS[other]} proto ospf (ospf routes: ${seen.ospfRoutes.join(', ') || 'none'})`);
      }
    }
    return problems;
  },
  negativeControls: [
    {
      name: 'ar2 eth2 (towards ar3) made OSPF-passive',
      expectFailure: /ar3: OSPF neighbour 2\.2\.2\.2 \(ar2\) is \S+, expected Full/,
      async apply(cluster) {
        const ar2 = cluster.node('ar2');
        await vtyshConf(ar2, ['interface eth2', 'ip ospf passive']);
        // The adjacency dies after the 1 s dead interval (dead-interval minimal): wait for it rather than probing too early.
        await pollFor('ar3 losing its Full adjacency with ar2', 15_000, async () =>
          !(await probeOspfNeighbours(cluster.node('ar3'))).value.some((n) => n.state.startsWith('Full')));
        return {
          what: '"ip ospf passive" on ar2 eth2',
          async undo() {
            await vtyshConf(ar2, ['interface eth2', 'no ip ospf passive']);
            await waitFrrConverged((n) => cluster.node(n), FRR_CONVERGED, 45_000);
          },
        };
      },
    },
  ],
});
