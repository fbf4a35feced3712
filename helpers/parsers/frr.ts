/** One OSPF neighbour adjacency from FRR `show ip ospf [vrf all] neighbor json`. */
export interface OspfNeighbor {
  vrf: string;
  routerId: string;
  /** "Full/DR", "Full/-", "Full" ... (`nbrState` in FRR 8+, `state` before). */
  state: string;
  iface?: string;
  address?: string;
}

export interface BgpPeerSummary {
  vrf: string;
  afi?: string;
  peer: string;
  remoteAs?: number;
  state: string;
  prefixesReceived?: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(text: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`frr ${what}: output is not JSON (${(e as Error).message}); run vtysh -c '${what} json'`);
  }
  if (!isObject(value)) throw new Error(`frr ${what}: expected a JSON object, got ${JSON.stringify(value).slice(0, 40)}`);
  return value;
}

function neighborsOf(vrf: string, neighbors: unknown): OspfNeighbor[] {
  // FRR 2018: neighbors is an array of {routerId: [...]}; later: an object {routerId: [...]}.
  const maps = Array.isArray(neighbors) ? neighbors.filter(isObject) : isObject(neighbors) ? [neighbors] : [];
  const out: OspfNeighbor[] = [];
  for (const map of maps) {
    for (const [routerId, entries] of Object.entries(map)) {
      for (const e of Array.isArray(entries) ? entries.filter(isObject) : []) {
        const state = e['nbrState'] ?? e['state'];
        const iface = e['ifaceName'];
        const address = e['ifaceAddress'] ?? e['address'];
        out.push({
          vrf, routerId, state: typeof state === 'string' ? state : '',
          ...(typeof iface === 'string' ? { iface } : {}),
          ...(typeof address === 'string' ? { address } : {}),
        });
      }
    }
  }
  return out;
}

/** Parses `show ip ospf neighbor json` or its `vrf all` form. */
export function parseOspfNeighbors(text: string): OspfNeighbor[] {
  const json = parseJson(text, 'show ip ospf neighbor');
  if ('neighbors' in json) return neighborsOf('default', json['neighbors']);
  const vrfs = Object.entries(json).filter(([, v]) => isObject(v) && 'neighbors' in v);
  if (vrfs.length === 0 && Object.keys(json).length > 0) {
    throw new Error(`frr show ip ospf neighbor: no "neighbors" key (top-level keys: ${Object.keys(json).join(', ')})`);
  }
  return vrfs.flatMap(([vrf, v]) => neighborsOf(vrf, (v as Json)['neighbors']));
}

function peersOf(vrf: string, afi: string | undefined, block: Json): BgpPeerSummary[] {
  const peers = block['peers'];
  if (!isObject(peers)) return [];
  return Object.entries(peers).filter(([, p]) => isObject(p)).map(([peer, p]) => {
    const v = p as Json;
    const pfx = v['pfxRcd'] ?? v['prefixReceivedCount'];
    return {
      vrf, ...(afi ? { afi } : {}), peer,
      ...(typeof v['remoteAs'] === 'number' ? { remoteAs: v['remoteAs'] } : {}),
      state: typeof v['state'] === 'string' ? v['state'] : '',
      ...(typeof pfx === 'number' ? { prefixesReceived: pfx } : {}),
    };
  });
}

/** Parses `show bgp summary json` (per-AFI keys) or `show bgp vrf all [ipv4 unicast] summary json`. */
export function parseBgpSummary(text: string): BgpPeerSummary[] {
  const json = parseJson(text, 'show bgp summary');
  const out: BgpPeerSummary[] = [];
  const visit = (vrf: string, block: Json) => {
    if ('peers' in block) { out.push(...peersOf(vrf, undefined, block)); return; }
    for (const [afi, v] of Object.entries(block)) if (isObject(v) && 'peers' in v) out.push(...peersOf(vrf, afi, v));
  };
  const afiTop = Object.keys(json).some((k) => /Unicast|Evpn|Vpn/i.test(k));
  if (afiTop || 'peers' in json) visit('default', json);
  else for (const [vrf, v] of Object.entries(json)) if (isObject(v)) visit(vrf, v);
  if (out.length === 0 && !Object.values(json).some((v) => isObject(v))) {
    throw new Error(`frr show bgp summary: no peers object (top-level keys: ${Object.keys(json).join(', ')})`);
  }
  return out;
}
