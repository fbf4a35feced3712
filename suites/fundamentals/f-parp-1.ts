import { PARP } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import { parseArping, type ArpingResult } from '../../helpers/parsers/arping.ts';
import { parseIpLinkWithUnparsed, type Link } from '../../helpers/parsers/ip-link.ts';
import { parseIpNeighWithUnparsed, type Neighbour } from '../../helpers/parsers/ip-neigh.ts';
import { lookupRoute, parseIpRouteWithUnparsed, type Route } from '../../helpers/parsers/ip-route.ts';
import type { Parsed } from '../../helpers/parsers/parsed.ts';
import { parsePing, type PingSummary } from '../../helpers/parsers/ping.ts';
import { probeLinks, probeNeighbours, rawOf, type Probed } from '../../helpers/probes/net.ts';
import { runClients, type Client } from '../../helpers/probes/traffic.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import { LAB_PING, pingBurstArgv, pingProblem, pollFor, sh } from './lab-ops.ts';

export interface ProxyArpView {
  route?: { dst: string; via?: string };
  sent: number;
  received: number;
  /** pc1's entry for the target before the probe flushed its cache (a PERMANENT one survives the flush). */
  before?: { lladdr?: string; state?: string };
  /** arping's own request: how many were sent and the MACs that answered. */
  arp: { sent: number; answeredBy: string[] };
  neighbour?: { lladdr?: string; state?: string };
  routerMac?: string;
  proxyArp?: string;
}

/**
 * How long pc1 waits for r1's ARP answer: the router answers at once (proxy_delay 0, fund-routers.ts) within a
 * millisecond here; arping 20221126 takes whole seconds for -w, so `timeout` ends it (arping prints its summary on SIGTERM).
 */
const ARP_WAIT_S = 0.3;
/** A client whose parser reports the lines it did not understand; `unwrap` carries them into the probe result. */
const reporting = <T>(argv: string[], parse: (text: string) => Parsed<T>): Client<Parsed<T>> => ({ argv, parse: (r) => parse(r.stdout) });
const unwrap = <T>(p: Probed<Parsed<T>>): Probed<T> =>
  ({ command: p.command, raw: p.raw, value: p.value.value, ...(p.value.unparsed.length > 0 ? { unparsed: p.value.unparsed } : {}) });
const SYSCTL = `net/ipv4/conf/${PARP.routerIface}/proxy_arp`;
const PC_IFACE = 'eth1';
const ARPING = ['timeout', String(ARP_WAIT_S), 'arping', '-c1', '-w1', '-I', PC_IFACE, PARP.target];
const entry = (n: { lladdr?: string; state?: string } | undefined) => (n ? { ...(n.lladdr ? { lladdr: n.lladdr } : {}), ...(n.state ? { state: n.state } : {}) } : undefined);

/**
 * F-PARP-1: pc1 (a /16) reaches h1 on another /24 on-link, r1 answering its ARP with r1's own MAC.
 * The answer is asked for live (arping broadcasts a request whatever the neighbour cache holds), and a
 * permanent neighbour entry, which would stand in for the answer, is a failure.
 */
export const fParp1 = defineBehaviour<ProxyArpView>({
  id: 'F-PARP-1',
  title: 'proxy ARP across subnets: the router answers ARP with its own MAC',
  docs: 'https://docs.kernel.org/networking/ip-sysctl.html#proxy-arp',
  requires: [feature('proxy-arp-subnets')],
  async probe(cluster) {
    const [pc, router] = [cluster.node(PARP.pc), cluster.node(PARP.router)];
    // One exec per host: pc1 reads its entry, flushes it, then asks live (arping and the ping burst at once: both are
    // answered by the same proxy), and reads its neighbour last; r1's MAC and sysctl meanwhile.
    const [pcRuns, routerRuns] = await Promise.all([
      runClients(pc, [
        reporting(['ip', '-4', 'neigh', 'show', 'dev', PC_IFACE], parseIpNeighWithUnparsed),
        { argv: ['ip', 'neigh', 'flush', 'dev', PC_IFACE], parse: (r) => r.exitCode },
        reporting(['ip', '-4', 'route', 'show', 'table', 'main'], parseIpRouteWithUnparsed),
        { argv: ARPING, parse: (r) => parseArping(r.stdout + r.stderr) },
        { argv: pingBurstArgv(PARP.target, { count: 3, ...LAB_PING }), parse: (r) => parsePing(r.stdout) },
        reporting(['ip', '-4', 'neigh', 'show', 'dev', PC_IFACE], parseIpNeighWithUnparsed),
      ], { first: [0, 1], last: [5] }),
      runClients(router, [
        reporting(['ip', '-d', 'link', 'show', 'dev', PARP.routerIface], parseIpLinkWithUnparsed),
        { argv: ['cat', `/proc/sys/${SYSCTL}`], parse: (r) => r.stdout.trim() || undefined },
      ]),
    ]);
    const flushed = pcRuns[1] as Probed<number>;
    if (flushed.value !== 0) throw new Error(`failed to flush ${PARP.pc}'s neighbours: ${flushed.raw}`);
    const before = unwrap(pcRuns[0] as Probed<Parsed<Neighbour[]>>);
    const routes = unwrap(pcRuns[2] as Probed<Parsed<Route[]>>);
    const arping = pcRuns[3] as Probed<ArpingResult>;
    const ping = pcRuns[4] as Probed<PingSummary | undefined>;
    const neigh = unwrap(pcRuns[5] as Probed<Parsed<Neighbour[]>>);
    const link = unwrap(routerRuns[0] as Probed<Parsed<Link[]>>);
    const proxy = routerRuns[1] as Probed<string | undefined>;
    const route = lookupRoute(routes.value, PARP.target);
    const was = entry(before.value.find((x) => x.address === PARP.target));
    const now = entry(neigh.value.find((x) => x.address === PARP.target));
    const mac = link.value[0]?.mac;
    return {
      raw: rawOf([[`${PARP.pc} before`, before], [PARP.pc, routes], [PARP.pc, arping], [PARP.pc, ping], [PARP.pc, neigh], [PARP.router, link], [PARP.router, proxy]]),
      value: {
        ...(route ? { route: { dst: route.dst, ...(route.via ? { via: route.via } : {}) } } : {}),
        sent: ping.value?.transmitted ?? 0,
        received: ping.value?.received ?? 0,
        ...(was ? { before: was } : {}),
        arp: { sent: arping.value.sent, answeredBy: arping.value.replies.filter((r) => r.address === PARP.target).map((r) => r.mac) },
        ...(now ? { neighbour: now } : {}),
        ...(mac ? { routerMac: mac } : {}),
        ...(proxy.value ? { proxyArp: proxy.value } : {}),
      },
    };
  },
  expect(v) {
    const problems: string[] = [];
    const who = `${PARP.pc} (${PARP.pcAddress}/${PARP.pcPrefix})`;
    if (!v.route || v.route.via) problems.push(`${who} routes ${PARP.target} ${v.route ? `via ${v.route.via} (${v.route.dst})` : 'nowhere'}: it must be on-link through its /${PARP.pcPrefix} for proxy ARP to be needed`);
    const ping = pingProblem(who, `${PARP.target} on another subnet`, v);
    if (ping) problems.push(ping);
    if (v.before?.state === 'PERMANENT' || v.neighbour?.state === 'PERMANENT') {
      const e = v.before?.state === 'PERMANENT' ? v.before : v.neighbour;
      problems.push(`${PARP.pc} has a PERMANENT neighbour entry for ${PARP.target} (lladdr ${e?.lladdr ?? '(none)'}): it stands in for ${PARP.router}'s answer, so proxy ARP is not shown; remove it (ip neigh del ${PARP.target} dev ${PC_IFACE})`);
    }
    if (v.arp.answeredBy.length === 0) problems.push(`${PARP.router} did not answer ${PARP.pc}'s ARP request for ${PARP.target} (arping: ${v.arp.sent} sent, no reply within ${ARP_WAIT_S} s)`);
    if (!v.routerMac) problems.push(`${PARP.router}: no MAC read for ${PARP.routerIface}`);
    else {
      for (const m of new Set(v.arp.answeredBy.filter((x) => x !== v.routerMac))) problems.push(`${PARP.pc}'s ARP request for ${PARP.target} was answered by ${m}, expected ${PARP.router}'s ${PARP.routerIface} MAC ${v.routerMac}`);
      if (v.neighbour?.lladdr !== v.routerMac) {
        const seen = v.neighbour ? `lladdr ${v.neighbour.lladdr ?? '(none)'} state ${v.neighbour.state ?? '?'}` : 'no entry';
        problems.push(`${PARP.pc}'s neighbour ${PARP.target} is ${seen}, expected ${PARP.router}'s ${PARP.routerIface} MAC ${v.routerMac} (proxy ARP)`);
      }
    }
    if (v.proxyArp !== '1') problems.push(`${PARP.router}: net.ipv4.conf.${PARP.routerIface}.proxy_arp = ${v.proxyArp ?? '(missing)'}, expected 1`);
    return problems;
  },
  negativeControls: [
    {
      name: `proxy_arp off on ${PARP.router} ${PARP.routerIface}`,
      expectFailure: /r1 did not answer pc1's ARP request for 10\.1\.1\.1[\s\S]*neighbour 10\.1\.1\.1 is .*expected r1's eth3 MAC/,
      async apply(cluster) {
        const r = cluster.node(PARP.router);
        await sh(r, [`sysctl -qw net.ipv4.conf.${PARP.routerIface}.proxy_arp=0`]);
        return { what: `proxy_arp=0 on ${PARP.router} ${PARP.routerIface}`, undo: async () => { await sh(r, [`sysctl -qw net.ipv4.conf.${PARP.routerIface}.proxy_arp=1`]); } };
      },
    },
    {
      // proxy_arp stays 1 and pings still work through the permanent entry: only a live ARP request shows it.
      name: `${PARP.router} drops ARP requests for ${PARP.target}, hidden by a permanent neighbour entry on ${PARP.pc}`,
      expectFailure: /pc1 has a PERMANENT neighbour entry for 10\.1\.1\.1[\s\S]*r1 did not answer pc1's ARP request for 10\.1\.1\.1/,
      async apply(cluster) {
        const [pc, r] = [cluster.node(PARP.pc), cluster.node(PARP.router)];
        const mac = (await probeLinks(r, PARP.routerIface)).value[0]?.mac;
        if (!mac) throw new Error(`failed to read ${PARP.router}'s ${PARP.routerIface} MAC`);
        // nftables' arp family, input hook: requests for the target arriving on eth3 are dropped (nft(8)).
        await sh(r, [
          'nft add table arp cc_parp',
          `nft add chain arp cc_parp in '{ type filter hook input priority 0; policy accept; }'`,
          `nft add rule arp cc_parp in iifname ${PARP.routerIface} arp operation request arp daddr ip ${PARP.target} drop`,
        ]);
        await sh(pc, [`ip neigh replace ${PARP.target} lladdr ${mac} dev ${PC_IFACE} nud permanent`]);
        return {
          what: `nft arp drop of requests for ${PARP.target} on ${PARP.router} ${PARP.routerIface}, permanent neighbour ${PARP.target} lladdr ${mac} on ${PARP.pc}`,
          async undo() {
            await sh(r, ['nft delete table arp cc_parp']);
            await sh(pc, [`ip neigh del ${PARP.target} dev ${PC_IFACE}`]);
            await pollFor(`${PARP.pc} without a permanent entry for ${PARP.target}`, 2_000, async () =>
              !(await probeNeighbours(pc, PC_IFACE)).value.some((n) => n.address === PARP.target && n.state === 'PERMANENT'));
          },
        };
      },
    },
  ],
});
