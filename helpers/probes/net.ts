import type { Executor } from '../../clusters/types.ts';
import { parseIpAddrWithUnparsed, type Address } from '../parsers/ip-addr.ts';
import { parseIpLinkWithUnparsed, type Link } from '../parsers/ip-link.ts';
import { parseIpNeighWithUnparsed, type Neighbour } from '../parsers/ip-neigh.ts';
import { parseIpRouteWithUnparsed, type Route } from '../parsers/ip-route.ts';
import type { Parsed } from '../parsers/parsed.ts';
import { parsePing, type PingSummary } from '../parsers/ping.ts';
import { unparsedEntry } from './unparsed.ts';

/** Raw text of one probe command and its parsed value; `raw` goes to the report. */
export interface Probed<T> {
  command: string;
  raw: string;
  value: T;
  /** Output lines the parser did not understand; `rawOf` carries them into the observation, which fails on them. */
  unparsed?: string[];
  /** The first run of a client whose failure was confirmed by running it again (this is the confirmation). */
  firstAttempt?: Probed<T>;
  /** Why this run observed nothing (e.g. the exec never ran the client): its result cannot be judged. */
  unobserved?: string;
}

async function run<T>(on: Executor, argv: string[], parse: (text: string) => T): Promise<Probed<T>> {
  const result = await on.exec(argv);
  const raw = [result.stdout, result.stderr].filter(Boolean).join('\n');
  return { command: argv.join(' '), raw: result.exitCode === 0 ? raw : `${raw}\n(exit ${result.exitCode})`, value: parse(result.stdout) };
}

/** As run, with a parser that reports the lines it did not understand. */
async function runReporting<T>(on: Executor, argv: string[], parse: (text: string) => Parsed<T>): Promise<Probed<T>> {
  let unparsed: string[] = [];
  const probed = await run(on, argv, (text) => { const p = parse(text); unparsed = p.unparsed; return p.value; });
  return unparsed.length > 0 ? { ...probed, unparsed } : probed;
}

export const probeRoutes = (on: Executor, table = 'main') => runReporting<Route[]>(on, ['ip', '-4', 'route', 'show', 'table', table], parseIpRouteWithUnparsed);
export const probeLinks = (on: Executor, dev?: string) => runReporting<Link[]>(on, ['ip', '-d', 'link', 'show', ...(dev ? ['dev', dev] : [])], parseIpLinkWithUnparsed);
export const probeAddresses = (on: Executor, dev?: string) => runReporting<Address[]>(on, ['ip', '-4', 'addr', 'show', ...(dev ? ['dev', dev] : [])], parseIpAddrWithUnparsed);
export const probeNeighbours = (on: Executor, dev?: string) => runReporting<Neighbour[]>(on, ['ip', '-4', 'neigh', 'show', ...(dev ? ['dev', dev] : [])], parseIpNeighWithUnparsed);

/** Pings with a bounded count and deadline; the summary is undefined when ping could not send at all. */
export const probePing = (on: Executor, target: string, count = 2) =>
  run<PingSummary | undefined>(on, ['ping', '-n', '-c', String(count), '-i', '0.2', '-W', '2', target], parsePing);

/** Reads one sysctl file under /proc/sys; undefined when it does not exist. */
export const probeSysctl = (on: Executor, path: string) =>
  run<string | undefined>(on, ['cat', `/proc/sys/${path}`], (text) => text.trim() || undefined);

/** Collects probes' raw text under readable keys for the report, plus each probe's unparsed lines (see unparsed.ts). */
export function rawOf(entries: Array<[string, Probed<unknown>]>): Record<string, string> {
  return Object.assign({}, ...entries.map(([who, p]) => ({ [`${who}: ${p.command}`]: p.raw, ...unparsedEntry(`${who}: ${p.command}`, p.unparsed) })));
}
