/**
 * `birdc show route [all]` of BIRD 1.x (1.6.8 and Calico's fork of it), the format of nest/rt-table.c
 * rt_show_rte() in BIRD 1.6: `<prefix> <via X on IF | dev IF | blackhole | unreachable | prohibited | multipath>
 * [<protocol> <since>[ from <peer>]] [*] (<preference>[/<igp metric>]) [<origin>]`; alternatives for the same
 * prefix leave the prefix out; `all` adds tab-indented `Key: value` attributes. Multipath next-hop lines
 * (never seen here on real output) land in `unparsed`.
 */
export interface BirdRoute {
  prefix: string;
  /** `via`, `dev`, `blackhole`, `unreachable`, `prohibited` or `multipath` (next hops then unparsed). */
  kind: string;
  via?: string;
  iface?: string;
  /** The protocol that supplied the route, e.g. `Mesh_172_30_0_12`, `static1`. */
  protocol: string;
  since: string;
  /** The BGP peer the route came from when it is not the next hop (reflected routes). */
  from?: string;
  /** Marked `*`: the best route, the one exported to the kernel. */
  primary: boolean;
  preference?: number;
  /** e.g. `[i]`, `[AS15169i]` without brackets. */
  origin?: string;
  /** `show route all`: `BGP.next_hop` -> `157.17.128.4`. */
  attributes: Record<string, string>;
  raw: string;
}

export interface BirdRoutes {
  version?: string;
  routes: BirdRoute[];
  /** Lines that are none of the above, kept so that the caller can report them. */
  unparsed: string[];
}

const ROUTE = /^(\S+)?\s+(via (\S+) on (\S+)|dev (\S+)|blackhole|unreachable|prohibited|multipath)\s+\[(\S+) (.+?)(?: from (\S+))?\]\s*(\*)?\s*(?:\((\d+)(?:\/[^)]*)?\))?\s*(?:\[([^\]]*)\])?\s*$/;
const ATTRIBUTE = /^\t(\S[^:]*):\s?(.*)$/;

export function parseBirdRoutes(text: string): BirdRoutes {
  const out: BirdRoutes = { routes: [], unparsed: [] };
  let prefix: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\d{4}[- ]/, '');
    if (!line.trim() || /^bird> /.test(line)) continue;
    const banner = /^BIRD (\S+) ready\.$/.exec(line.trim());
    if (banner) { out.version = banner[1]!; continue; }
    const last = out.routes[out.routes.length - 1];
    const m = ROUTE.exec(line);
    if (m && (m[1] || prefix)) {
      prefix = m[1] ?? prefix!;
      const kind = m[2]!.split(' ')[0]!;
      out.routes.push({
        prefix, kind, protocol: m[6]!, since: m[7]!, primary: m[9] === '*', attributes: {}, raw: line,
        ...(m[3] ? { via: m[3], iface: m[4]! } : {}), ...(m[5] ? { iface: m[5] } : {}), ...(m[8] ? { from: m[8] } : {}),
        ...(m[10] ? { preference: Number(m[10]) } : {}), ...(m[11] !== undefined ? { origin: m[11] } : {}),
      });
      continue;
    }
    const attr = ATTRIBUTE.exec(raw);
    if (attr && last) { last.attributes[attr[1]!] = attr[2]!; continue; }
    out.unparsed.push(raw);
  }
  return out;
}
