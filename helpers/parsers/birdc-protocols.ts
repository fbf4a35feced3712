/** One row of `birdc show protocols` (BIRD 1.x and 2.x). */
export interface BirdProtocol {
  name: string;
  proto: string;
  /** "master" in BIRD 1.x; "---" or "master4" in 2.x. */
  table: string;
  state: string;
  /** As printed: "12:37:21", "2018-01-18", "2024-03-08 14:39:06", "12:46:55.926". */
  since: string;
  info: string;
}

export interface BirdProtocols {
  /** e.g. "1.6.3", "2.14", "v0.3.3+birdv1.6.8" from the `BIRD x ready.` banner when present. */
  version?: string;
  protocols: BirdProtocol[];
  /** Rows after the header that are not a protocol of a known type: reported, never dropped. */
  unparsed: string[];
}

const HEADER = /^(?:\d{4}-)?\s*name\s+proto\s+table\s+state\s+since\s+info\s*$/i;
const PROTOCOLS = new Set(['Kernel', 'Device', 'Direct', 'Static', 'BGP', 'OSPF', 'BFD', 'Pipe', 'RIP', 'Babel', 'RPKI', 'Perf', 'MRT', 'RAdv', 'L3VPN', 'Aggregator']);

/** Parses `show protocols` (or the head of `show protocols all`); throws when no table header is found. */
export function parseBirdProtocols(text: string): BirdProtocols {
  const lines = text.split(/\r?\n/);
  const version = /BIRD (\S+) ready\./.exec(text)?.[1];
  const header = lines.findIndex((l) => HEADER.test(l.trim()));
  if (header < 0) {
    throw new Error(`birdc show protocols: no "name proto table state since info" header in output starting "${(text.trim().split('\n')[0] ?? '').slice(0, 80)}"; run "birdc show protocols" (calico-node: "birdcl -s /var/run/calico/bird.ctl show protocols")`);
  }
  const protocols: BirdProtocol[] = [];
  const unparsed: string[] = [];
  for (const raw of lines.slice(header + 1)) {
    // Raw control-socket replies prefix lines with a reply code ("1002-"); `show protocols all` indents details.
    const line = raw.replace(/^\d{4}[- ]/, '');
    if (/^\s{2,}/.test(raw) || line.trim() === '' || /^\d{4}$/.test(raw.trim())) continue;
    const tokens = line.trim().split(/\s+/);
    const [name = '', proto = '', table = '', state = '', ...rest] = tokens;
    if (!PROTOCOLS.has(proto) || !state) { unparsed.push(raw); continue; }
    // Since is one token, or a date and a time ("2024-03-08 14:39:06").
    const twoPartSince = /^\d{4}-\d{2}-\d{2}$/.test(rest[0] ?? '') && /^\d{1,2}:\d{2}/.test(rest[1] ?? '');
    const sinceParts = rest.slice(0, twoPartSince ? 2 : 1);
    protocols.push({ name, proto, table, state, since: sinceParts.join(' '), info: rest.slice(sinceParts.length).join(' ') });
  }
  return { ...(version ? { version } : {}), protocols, unparsed };
}

/** BGP protocols whose session is not Established. */
export function unestablished(p: BirdProtocols): BirdProtocol[] {
  return p.protocols.filter((x) => x.proto === 'BGP' && !x.info.startsWith('Established'));
}
