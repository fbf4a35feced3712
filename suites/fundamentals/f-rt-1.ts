import { RT, RT_HOP_ROUTES, routeLine } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import { lookupRoute } from '../../helpers/parsers/ip-route.ts';
import { probeRoutes, rawOf, type Probed } from '../../helpers/probes/net.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import type { NegativeControl } from '../types.ts';
import { LAB_PING, pingBurst, pingProblem, sh } from './lab-ops.ts';

export interface RouterChainView {
  pings: Array<{ from: string; to: string; address: string; sent: number; received: number }>;
  /** Each hop's route towards the far host: the static route it should use. */
  hops: Array<{ node: string; toward: string; expectedVia: string; via?: string; dst?: string }>;
}

const PINGS = [{ from: 'h1', to: 'h2', address: RT.h2 }, { from: 'h2', to: 'h1', address: RT.h1 }] as const;
// h1 and r1 forward towards h2; r2 and h2 towards h1 (the return path).
const towardOf = (node: string) => (node === 'h1' || node === 'r1' ? RT.h2 : RT.h1);

/** F-RT-1: h1 - r1 - r2 - h2 reach each other only with every hop's static route. */
export const fRt1 = defineBehaviour<RouterChainView>({
  id: 'F-RT-1',
  title: 'static routes across routers: reachable end to end only with every hop\'s route',
  docs: 'https://man7.org/linux/man-pages/man8/ip-route.8.html',
  requires: [feature('router-chain')],
  async probe(cluster) {
    const raw: Array<[string, Probed<unknown>]> = [];
    // Both directions and every hop's route at once: reading routes does not disturb the pings.
    const pingsRead = Promise.all(PINGS.map(async (p) => {
      const r = await pingBurst(cluster.node(p.from), p.address, { count: 3, ...LAB_PING });
      raw.push([p.from, r]);
      return { ...p, sent: r.value?.transmitted ?? 0, received: r.value?.received ?? 0 };
    }));
    const hopsRead = Promise.all(RT_HOP_ROUTES.map(async (h) => {
      const routes = await probeRoutes(cluster.node(h.node));
      raw.push([h.node, routes]);
      const toward = towardOf(h.node);
      const route = lookupRoute(routes.value, toward);
      return { node: h.node, toward, expectedVia: h.via, ...(route?.via ? { via: route.via } : {}), ...(route ? { dst: route.dst } : {}) };
    }));
    const [pings, hops] = await Promise.all([pingsRead, hopsRead]);
    return { raw: rawOf(raw), value: { pings, hops } };
  },
  expect(v) {
    const problems: string[] = [];
    for (const p of v.pings) {
      const problem = pingProblem(p.from, `${p.to} (${p.address})`, p);
      if (problem) problems.push(problem);
    }
    for (const h of v.hops.filter((x) => x.via !== x.expectedVia)) {
      problems.push(`${h.node} routes ${h.toward} ${h.dst ? `by ${h.dst} via ${h.via ?? '(on-link)'}` : 'nowhere'}, expected a static route via ${h.expectedVia}`);
    }
    if (v.pings.length === 0 || v.hops.length === 0) problems.push('no pings or hops observed');
    return problems;
  },
  negativeControls: (['r1', 'r2'] as const).map((node): NegativeControl => {
    const hop = RT_HOP_ROUTES.find((r) => r.node === node)!;
    return {
      name: `${node}'s static route to ${hop.dst} removed`,
      expectFailure: new RegExp(`cannot reach [\\s\\S]*${node} routes \\S+ nowhere, expected a static route via ${hop.via.replace(/\./g, '\\.')}`),
      async apply(cluster: ClusterHandle) {
        const n = cluster.node(node);
        await sh(n, [routeLine(hop, 'del')]);
        return { what: `"${routeLine(hop, 'del')}" on ${node}`, undo: async () => { await sh(n, [routeLine(hop)]); } };
      },
    };
  }),
});
