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
