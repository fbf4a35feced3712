import { PARP } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import { lookupRoute } from '../../helpers/parsers/ip-route.ts';
import { probeLinks, probeNeighbours, probePing, probeRoutes, probeSysctl, rawOf } from '../../helpers/probes/net.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import { sh } from './lab-ops.ts';

export interface ProxyArpView {
  route?: { dst: string; via?: string };
  sent: number;
  received: number;
  neighbour?: { lladdr?: string; state?: string };
  routerMac?: string;
  proxyArp?: string;
}

const SYSCTL = `net/ipv4/conf/${PARP.routerIface}/proxy_arp`;

/** F-PARP-1: pc1 (a /16) reaches h1 on another /24 on-link, r1 answering its ARP with r1's own MAC. */
export const fParp1 = defineBehaviour<ProxyArpView>({
  id: 'F-PARP-1',
  title: 'proxy ARP across subnets: the router answers ARP with its own MAC',
  docs: 'https://docs.kernel.org/networking/ip-sysctl.html#proxy-arp',
  requires: [feature('proxy-arp-subnets')],
  async probe(cluster) {
    const [pc, router] = [cluster.node(PARP.pc), cluster.node(PARP.router)];
    await sh(pc, ['ip neigh flush dev eth1']);
    const [routes, ping] = [await probeRoutes(pc), await probePing(pc, PARP.target, 2)];
    const [neigh, link, proxy] = await Promise.all([probeNeighbours(pc, 'eth1'), probeLinks(router, PARP.routerIface), probeSysctl(router, SYSCTL)]);
    const route = lookupRoute(routes.value, PARP.target);
    const n = neigh.value.find((x) => x.address === PARP.target);
    const mac = link.value[0]?.mac;
    return {
      raw: rawOf([[PARP.pc, routes], [PARP.pc, ping], [PARP.pc, neigh], [PARP.router, link], [PARP.router, proxy]]),
      value: {
        ...(route ? { route: { dst: route.dst, ...(route.via ? { via: route.via } : {}) } } : {}),
        sent: ping.value?.transmitted ?? 0,
        received: ping.value?.received ?? 0,
        ...(n ? { neighbour: { ...(n.lladdr ? { lladdr: n.lladdr } : {}), ...(n.state ? { state: n.state } : {}) } } : {}),
        ...(mac ? { routerMac: mac } : {}),
        ...(proxy.value ? { proxyArp: proxy.value } : {}),
      },
    };
  },
  expect(v) {
    const problems: string[] = [];
    const who = `${PARP.pc} (${PARP.pcAddress}/${PARP.pcPrefix})`;
    if (!v.route || v.route.via) problems.push(`${who} routes ${PARP.target} ${v.route ? `via ${v.route.via} (${v.route.dst})` : 'nowhere'}: it must be on-link through its /${PARP.pcPrefix} for proxy ARP to be needed`);
    if (v.received === 0) problems.push(`${who} cannot reach ${PARP.target} on another subnet: ${v.sent} sent, 0 received`);
    if (!v.routerMac) problems.push(`${PARP.router}: no MAC read for ${PARP.routerIface}`);
    else if (v.neighbour?.lladdr !== v.routerMac) {
      const seen = v.neighbour ? `lladdr ${v.neighbour.lladdr ?? '(none)'} state ${v.neighbour.state ?? '?'}` : 'no entry';
      problems.push(`${PARP.pc}'s neighbour ${PARP.target} is ${seen}, expected ${PARP.router}'s ${PARP.routerIface} MAC ${v.routerMac} (proxy ARP)`);
    }
    if (v.proxyArp !== '1') problems.push(`${PARP.router}: net.ipv4.conf.${PARP.routerIface}.proxy_arp = ${v.proxyArp ?? '(missing)'}, expected 1`);
    return problems;
  },
  negativeControls: [
    {
      name: `proxy_arp off on ${PARP.router} ${PARP.routerIface}`,
      expectFailure: /neighbour 10\.1\.1\.1 is .*expected r1's eth3 MAC/,
      async apply(cluster) {
        const r = cluster.node(PARP.router);
        await sh(r, [`sysctl -qw net.ipv4.conf.${PARP.routerIface}.proxy_arp=0`]);
        return { what: `proxy_arp=0 on ${PARP.router} ${PARP.routerIface}`, undo: async () => { await sh(r, [`sysctl -qw net.ipv4.conf.${PARP.routerIface}.proxy_arp=1`]); } };
      },
    },
  ],
});
