import type { Parsed } from './parsed.ts';

/** One line of `ip route show` (or `ip route get`). */
export interface Route {
  /** unicast, blackhole, unreachable, prohibit, local, broadcast... */
  type: string;
  /** Destination as printed: `default`, `10.0.0.0/24`, or a host address. */
  dst: string;
  via?: string;
  dev?: string;
  proto?: string;
  scope?: string;
  src?: string;
  metric?: number;
  onlink: boolean;
  raw: string;
}

const ROUTE_TYPES = new Set(['unicast', 'blackhole', 'unreachable', 'prohibit', 'local', 'broadcast', 'throw', 'nat', 'anycast', 'multicast']);
const VALUE_KEYS = new Set(['via', 'dev', 'proto', 'scope', 'src', 'metric', 'table', 'mtu', 'uid', 'cache', 'expires', 'pref', 'weight', 'realm', 'from', 'iif']);

/** Parses `ip route show` / `ip route get` text; `nexthop` and `cache` continuation lines are skipped. */
export function parseIpRoute(text: string): Route[] {
  return parseIpRouteWithUnparsed(text).value;
}

/** As parseIpRoute, plus the lines that are not routes (e.g. `Error: ...` mixed into stdout). */
export function parseIpRouteWithUnparsed(text: string): Parsed<Route[]> {
  const value: Route[] = [];
  const unparsed: string[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('nexthop') || line.startsWith('cache')) continue;
    const route = parseRouteLine(line);
    if (route) value.push(route);
    else unparsed.push(line);
  }
  return { value, unparsed };
}

function parseRouteLine(line: string): Route | undefined {
  const words = line.split(/\s+/);
  let type = 'unicast';
  if (ROUTE_TYPES.has(words[0]!)) type = words.shift()!;
  const dst = words.shift();
  if (!dst || !/^(default|[\d.]+(\/\d+)?|[0-9a-f:]+(\/\d+)?)$/i.test(dst)) return undefined;
  const route: Route = { type, dst, onlink: false, raw: line };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === 'onlink') route.onlink = true;
    else if (VALUE_KEYS.has(word)) {
      const value = words[++i];
      if (value === undefined) break;
      if (word === 'via' && value === 'inet') { route.via = words[++i]; continue; }
      if (word === 'metric') route.metric = Number(value);
      else if (word === 'via' || word === 'dev' || word === 'proto' || word === 'scope' || word === 'src') route[word] = value;
    }
  }
  return route;
}

/** Longest-prefix match of an IPv4 address against parsed routes, as the kernel's main table would pick. */
export function lookupRoute(routes: Route[], address: string): Route | undefined {
  const target = ipv4ToInt(address);
  let best: { route: Route; length: number } | undefined;
  for (const route of routes) {
    if (route.type !== 'unicast' && route.type !== 'blackhole' && route.type !== 'unreachable' && route.type !== 'prohibit') continue;
    const [net, lengthText] = route.dst === 'default' ? ['0.0.0.0', '0'] : route.dst.split('/');
    if (!net || !/^\d+\.\d+\.\d+\.\d+$/.test(net)) continue;
    const length = lengthText === undefined ? 32 : Number(lengthText);
    const mask = length === 0 ? 0 : (~0 << (32 - length)) >>> 0;
    if (((ipv4ToInt(net) & mask) >>> 0) === ((target & mask) >>> 0) && (!best || length > best.length)) best = { route, length };
  }
  return best?.route;
}

export function ipv4ToInt(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`"${address}" is not an IPv4 address`);
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}
