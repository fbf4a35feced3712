import type { Executor } from '../../clusters/types.ts';
import { parseIpAddr, type Address } from '../parsers/ip-addr.ts';
import { parseIpLink, type Link } from '../parsers/ip-link.ts';
import { parseIpNeigh, type Neighbour } from '../parsers/ip-neigh.ts';
import { parseIpRoute, type Route } from '../parsers/ip-route.ts';
import { parsePing, type PingSummary } from '../parsers/ping.ts';

/** Raw text of one probe command and its parsed value; `raw` goes to the report. */
export interface Probed<T> {
  command: string;
  raw: string;
  value: T;
}

async function run<T>(on: Executor, argv: string[], parse: (text: string) => T): Promise<Probed<T>> {
  const result = await on.exec(argv);
  const raw = [result.stdout, result.stderr].filter(Boolean).join('\n');
  return { command: argv.join(' '), raw: result.exitCode === 0 ? raw : `${raw}\n(exit ${result.exitCode})`, value: parse(result.stdout) };
}

export const probeRoutes = (on: Executor, table = 'main') => run<Route[]>(on, ['ip', '-4', 'route', 'show', 'table', table], parseIpRoute);
export const probeLinks = (on: Executor, dev?: string) => run<Link[]>(on, ['ip', '-d', 'link', 'show', ...(dev ? ['dev', dev] : [])], parseIpLink);
export const probeAddresses = (on: Executor, dev?: string) => run<Address[]>(on, ['ip', '-4', 'addr', 'show', ...(dev ? ['dev', dev] : [])], parseIpAddr);
export const probeNeighbours = (on: Executor, dev?: string) => run<Neighbour[]>(on, ['ip', '-4', 'neigh', 'show', ...(dev ? ['dev', dev] : [])], parseIpNeigh);

/** Pings with a bounded count and deadline; the summary is undefined when ping could not send at all. */
export const probePing = (on: Executor, target: string, count = 2) =>
  run<PingSummary | undefined>(on, ['ping', '-n', '-c', String(count), '-i', '0.2', '-W', '2', target], parsePing);

/** Reads one sysctl file under /proc/sys; undefined when it does not exist. */
export const probeSysctl = (on: Executor, path: string) =>
  run<string | undefined>(on, ['cat', `/proc/sys/${path}`], (text) => text.trim() || undefined);

/** Collects probes' raw text under readable keys for the report. */
export function rawOf(entries: Array<[string, Probed<unknown>]>): Record<string, string> {
  return Object.fromEntries(entries.map(([who, p]) => [`${who}: ${p.command}`, p.raw]));
}
