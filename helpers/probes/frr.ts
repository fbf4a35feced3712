import type { Executor } from '../../clusters/types.ts';
import { parseBgpSummary, parseOspfNeighbors, type BgpPeerSummary, type OspfNeighbor } from '../parsers/frr.ts';
import type { Probed } from './net.ts';

async function vtysh<T>(on: Executor, command: string, parse: (text: string) => T, empty: T): Promise<Probed<T>> {
  const result = await on.exec(['vtysh', '-c', command]);
  const raw = [result.stdout, result.stderr].filter(Boolean).join('\n');
  let value = empty;
  // Before the daemon answers, vtysh prints an error instead of JSON: seen as "nothing yet".
  try { if (result.exitCode === 0) value = parse(result.stdout); } catch { value = empty; }
  return { command: `vtysh -c '${command}'`, raw: result.exitCode === 0 ? raw : `${raw}\n(exit ${result.exitCode})`, value };
}

export const probeOspfNeighbours = (on: Executor) => vtysh<OspfNeighbor[]>(on, 'show ip ospf neighbor json', parseOspfNeighbors, []);
export const probeBgpSummary = (on: Executor) => vtysh<BgpPeerSummary[]>(on, 'show bgp ipv4 unicast summary json', parseBgpSummary, []);
/** Text of one BGP table entry, for the report (who advertised it, next hop, originator, cluster list). */
export const probeBgpPrefix = (on: Executor, prefix: string) => vtysh<string>(on, `show ip bgp ${prefix}`, (t) => t, '');

/** One BGP neighbour as `show bgp neighbors <peer> json` shows it: its state and whether its End-of-RIB arrived. */
export interface BgpNeighbourEor {
  state: string;
  /** The peer's End-of-RIB for IPv4 unicast was received: it has sent all it will send on this session. */
  eorReceived: boolean;
}

/**
 * Pure: FRR 8.4's `show bgp neighbors <peer> json` ({"<peer>": {"bgpState", "gracefulRestartInfo":
 * {"endOfRibRecv": {"ipv4Unicast": true}}}}, bgpd/bgp_vty.c bgp_show_peer; listed once the peer
 * advertised graceful restart, as FRR does by default); absent peer or fields read as not established / not received.
 */
export function parseBgpNeighbourEor(text: string, peer: string): BgpNeighbourEor {
  let json: unknown;
  try { json = JSON.parse(text); } catch { return { state: '', eorReceived: false }; }
  const n = (json as Record<string, { bgpState?: unknown; gracefulRestartInfo?: { endOfRibRecv?: Record<string, unknown> } }> | null)?.[peer];
  return { state: typeof n?.bgpState === 'string' ? n.bgpState : '', eorReceived: n?.gracefulRestartInfo?.endOfRibRecv?.['ipv4Unicast'] === true };
}

export const probeBgpNeighbourEor = (on: Executor, peer: string) =>
  vtysh<BgpNeighbourEor>(on, `show bgp neighbors ${peer} json`, (t) => parseBgpNeighbourEor(t, peer), { state: '', eorReceived: false });
