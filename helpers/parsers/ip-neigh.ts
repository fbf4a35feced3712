import type { Parsed } from './parsed.ts';

/** One entry of `ip neigh show`. */
export interface Neighbour {
  address: string;
  dev?: string;
  lladdr?: string;
  /** REACHABLE, STALE, DELAY, PROBE, FAILED, INCOMPLETE, PERMANENT, NOARP... */
  state?: string;
  router: boolean;
  raw: string;
}

/** Parses `ip neigh show` text. */
export function parseIpNeigh(text: string): Neighbour[] {
  return parseIpNeighWithUnparsed(text).value;
}

/** As parseIpNeigh, plus the lines that are not neighbour entries. */
export function parseIpNeighWithUnparsed(text: string): Parsed<Neighbour[]> {
  const unparsed: string[] = [];
  const value = text.split('\n').map((l) => l.trim()).filter(Boolean).flatMap((line) => {
    const words = line.split(/\s+/);
    const address = words[0];
    if (!address || !/^[0-9a-f.:]+$/i.test(address)) { unparsed.push(line); return []; }
    const after = (key: string) => { const i = words.indexOf(key); return i >= 0 ? words[i + 1] : undefined; };
    const last = words[words.length - 1];
    const entry: Neighbour = { address, router: words.includes('router'), raw: line };
    const dev = after('dev'); if (dev) entry.dev = dev;
    const lladdr = after('lladdr'); if (lladdr) entry.lladdr = lladdr.toLowerCase();
    if (last && /^[A-Z]+$/.test(last)) entry.state = last;
    return [entry];
  });
  return { value, unparsed };
}
