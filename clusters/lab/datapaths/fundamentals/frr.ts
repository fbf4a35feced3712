import { parseIpRoute, type Route } from '../../../../helpers/parsers/ip-route.ts';
import type { BgpPeerSummary, OspfNeighbor } from '../../../../helpers/parsers/frr.ts';
import { probeBgpSummary, probeOspfNeighbours } from '../../../../helpers/probes/frr.ts';
import { pollUntilDone } from '../../../../helpers/probes/poll.ts';
import type { Executor } from '../../../types.ts';
import type { Datapath } from '../../types.ts';

/** What one router shows once FRR has converged. */
export interface FrrWant {
  ospfFull?: number;
  bgpEstablished?: number;
  /** Router ids of OSPF neighbours that must be Full, and BGP peers that must be Established, by name. */
  ospfNeighbours?: string[];
  bgpPeers?: string[];
  /** Kernel routes that must be present, e.g. { dst: '66.66.66.66', proto: 'bgp' }. */
  routes?: Array<{ dst: string; proto: 'ospf' | 'bgp' }>;
}

export interface FrrState {
  ospf: OspfNeighbor[];
  bgp: BgpPeerSummary[];
  routes: Route[];
}

export async function frrState(on: Executor): Promise<FrrState> {
  const [ospf, bgp, routes] = await Promise.all([probeOspfNeighbours(on), probeBgpSummary(on), on.exec(['ip', '-4', 'route', 'show'])]);
  return { ospf: ospf.value, bgp: bgp.value, routes: parseIpRoute(routes.stdout) };
}

/** What is still missing on `node` (empty = converged). Pure. */
export function frrGaps(node: string, state: FrrState, want: FrrWant): string[] {
  const gaps: string[] = [];
  const full = state.ospf.filter((n) => n.state.startsWith('Full')).length;
  if (want.ospfFull !== undefined && full < want.ospfFull) gaps.push(`${node}: ${full}/${want.ospfFull} OSPF neighbours Full (${state.ospf.map((n) => `${n.routerId}=${n.state}`).join(', ') || 'none'})`);
  const up = state.bgp.filter((p) => p.state === 'Established').length;
  if (want.bgpEstablished !== undefined && up < want.bgpEstablished) gaps.push(`${node}: ${up}/${want.bgpEstablished} BGP sessions Established (${state.bgp.map((p) => `${p.peer}=${p.state}`).join(', ') || 'none'})`);
  for (const id of want.ospfNeighbours ?? []) {
    const n = state.ospf.find((x) => x.routerId === id);
    if (!n?.state.startsWith('Full')) gaps.push(`${node}: OSPF neighbour ${id} ${n ? n.state : 'missing'}, not Full`);
  }
  for (const peer of want.bgpPeers ?? []) {
    const p = state.bgp.find((x) => x.peer === peer);
    if (p?.state !== 'Established') gaps.push(`${node}: BGP session with ${peer} ${p ? p.state : 'not configured'}, not Established`);
  }
  for (const r of want.routes ?? []) {
    if (!state.routes.some((x) => x.dst === r.dst && x.proto === r.proto)) gaps.push(`${node}: no kernel route ${r.dst} proto ${r.proto}`);
  }
  return gaps;
}

/**
 * Polls every router 150 ms apart (the lab's OSPF hellos come every 250 ms, BGP keepalives every 1 s)
 * until all show `want`; throws at the deadline with what was still missing. Returns the time it took.
 */
export async function waitFrrConverged(nodeOf: (name: string) => Executor, want: Record<string, FrrWant>, deadlineMs = 60_000): Promise<number> {
  const started = performance.now();
  try {
    await pollUntilDone('FRR convergence (OSPF adjacencies, BGP sessions, kernel routes)', async () =>
      (await Promise.all(Object.entries(want).map(async ([node, w]) => frrGaps(node, await frrState(nodeOf(node)), w)))).flat(), deadlineMs, 150);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n(check /etc/frr/frr.conf and "vtysh -c 'show running-config'" on those routers)`);
  }
  return performance.now() - started;
}

/** FRR routers: daemons started by node setup from declared files; ready when every router shows `want`. */
export function frrDatapath(options: { features: string[]; want: Record<string, FrrWant> }): Datapath {
  return {
    name: 'frr',
    features: options.features,
    async ready(lab) {
      await waitFrrConverged((n) => lab.node(n), options.want);
    },
  };
}
