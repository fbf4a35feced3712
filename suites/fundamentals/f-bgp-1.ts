import { FRR_CONVERGED } from '../../clusters/profiles/lab/fundamentals/fund-frr.ts';
import { EBGP_PREFIX, FRR_LOOPBACKS, IBGP_ROUTERS } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import { waitFrrConverged } from '../../clusters/lab/datapaths/fundamentals/frr.ts';
import { probeBgpPrefix, probeBgpSummary } from '../../helpers/probes/frr.ts';
import { probeRoutes, rawOf, type Probed } from '../../helpers/probes/net.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import { LAB_PING, pingBurst, pingProblem, pollFor, sh, vtyshConf } from './lab-ops.ts';

export interface BgpView {
  routers: Array<{
    router: string;
    sessions: Array<{ peer: string; remoteAs?: number; state: string }>;
    kernelRoute: boolean;
    /** The router pinging 66.66.66.66 from its loopback. */
    sent: number;
    received: number;
  }>;
}

const TARGET = EBGP_PREFIX.split('/')[0]!;
type Router = (typeof IBGP_ROUTERS)[number];
/** Sessions each router must have Established: iBGP over loopbacks (ar2 in the middle), eBGP ar3 - AS 400. */
const SESSIONS: Record<Router, Array<{ peer: string; as: number }>> = {
  ar1: [{ peer: FRR_LOOPBACKS.ar2, as: 123 }],
  ar2: [{ peer: FRR_LOOPBACKS.ar1, as: 123 }, { peer: FRR_LOOPBACKS.ar3, as: 123 }],
  ar3: [{ peer: FRR_LOOPBACKS.ar2, as: 123 }, { peer: '10.1.34.2', as: 400 }],
};

/** F-BGP-1: iBGP over loopbacks plus eBGP: 66.66.66.66/32 from AS 400 reaches every AS 123 router (ar3 next-hop-self). */
export const fBgp1 = defineBehaviour<BgpView>({
  id: 'F-BGP-1',
  title: 'iBGP over loopbacks plus eBGP (AS 123 / AS 400): 66.66.66.66/32 reaches every iBGP router',
  docs: 'https://docs.frrouting.org/en/stable-8.4/bgp.html',
  requires: [feature('bgp-ibgp-ebgp')],
  async probe(cluster) {
    const raw: Array<[string, Probed<unknown>]> = [];
    const routers = await Promise.all(IBGP_ROUTERS.map(async (router) => {
      const node = cluster.node(router);
      // Every router pings from its loopback (AS 400 knows the loopbacks ar3 announces, not the link
      // addresses), all at once: the pings share no state.
      const [summary, routes, entry, ping] = await Promise.all([
        probeBgpSummary(node), probeRoutes(node), probeBgpPrefix(node, EBGP_PREFIX), pingBurst(node, TARGET, { from: FRR_LOOPBACKS[router], ...LAB_PING }),
      ]);
      raw.push([router, summary], [router, routes], [router, entry], [router, ping]);
      return {
        router,
        sessions: summary.value.map((p) => ({ peer: p.peer, ...(p.remoteAs !== undefined ? { remoteAs: p.remoteAs } : {}), state: p.state })),
        kernelRoute: routes.value.some((r) => r.dst === TARGET && r.proto === 'bgp'),
        sent: ping.value?.transmitted ?? 0,
        received: ping.value?.received ?? 0,
      };
    }));
    return { raw: rawOf(raw), value: { routers } };
  },
  expect(v) {
    const problems: string[] = [];
    for (const [router, want] of Object.entries(SESSIONS)) {
      const seen = v.routers.find((r) => r.router === router);
      if (!seen) { problems.push(`${router}: not observed`); continue; }
      for (const w of want) {
        const s = seen.sessions.find((x) => x.peer === w.peer);
        if (s?.state !== 'Established') problems.push(`${router}: BGP session with ${w.peer} (AS ${w.as}) is ${s?.state || 'not configured'}, expected Established`);
      }
      if (!seen.kernelRoute) problems.push(`${router}: no kernel route to ${EBGP_PREFIX} proto bgp (originated in AS 400; ar3 must set next-hop-self towards iBGP)`);
      const ping = pingProblem(`${router} (from ${FRR_LOOPBACKS[router as Router]})`, `${TARGET} in AS 400`, seen);
      if (ping) problems.push(ping);
    }
    return problems;
  },
  negativeControls: [
    {
      name: 'next-hop-self removed on ar3 towards ar2',
      expectFailure: /ar2: no kernel route to 66\.66\.66\.66\/32 proto bgp/,
      async apply(cluster) {
        const ar3 = cluster.node('ar3');
        const set = (no: string) => vtyshConf(ar3, ['router bgp 123', 'address-family ipv4 unicast', `${no}neighbor ${FRR_LOOPBACKS.ar2} next-hop-self`]);
        await set('no ');
        // ar2 then sees next hop 10.1.34.2, which its IGP cannot resolve: the route leaves its kernel.
        await pollFor(`ar2 dropping its kernel route to ${TARGET}`, 15_000, async () =>
          !(await probeRoutes(cluster.node('ar2'))).value.some((r) => r.dst === TARGET));
        return {
          what: `"no neighbor ${FRR_LOOPBACKS.ar2} next-hop-self" on ar3`,
          async undo() {
            await set('');
            await waitFrrConverged((n) => cluster.node(n), FRR_CONVERGED, 45_000);
          },
        };
      },
    },
    {
      // Sessions and routes stay as they are: only a check that pings from every router sees it.
      name: `ar4 drops ICMP from ar2's loopback ${FRR_LOOPBACKS.ar2}`,
      expectFailure: /ar2 \(from 2\.2\.2\.2\) cannot reach 66\.66\.66\.66 in AS 400: \d+ sent, 0 received/,
      async apply(cluster) {
        const ar4 = cluster.node('ar4');
        const rule = `INPUT -s ${FRR_LOOPBACKS.ar2} -p icmp -j DROP`;
        await sh(ar4, [`iptables -I ${rule}`]);
        return { what: `iptables ${rule} on ar4`, undo: async () => { await sh(ar4, [`iptables -D ${rule}`]); } };
      },
    },
  ],
});
