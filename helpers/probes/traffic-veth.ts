/** The parts of `ip -d -j link show` (iproute2 6.1 JSON) that tie a veth's two ends together. */
export interface LinkEnds {
  ifname: string;
  ifindex: number;
  /** IFLA_LINK: the peer's ifindex, in the peer's netns. */
  peerIndex?: number;
  /** IFLA_LINK_NETNSID: the peer's netns as this netns numbers it. */
  peerNetnsId?: number;
  mtu?: number;
  address?: string;
  kind?: string;
}

interface IpLinkJson {
  ifname?: unknown;
  ifindex?: unknown;
  link_index?: unknown;
  link_netnsid?: unknown;
  mtu?: unknown;
  address?: unknown;
  linkinfo?: { info_kind?: unknown };
}

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Reads `ip -d -j link show [dev X]`; throws, quoting the start of the text, when it is not that JSON. */
export function parseLinkEnds(json: string): LinkEnds[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json || '[]');
  } catch {
    throw new Error(`ip -j link output is not JSON: ${json.slice(0, 200)}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`ip -j link output is not a list: ${json.slice(0, 200)}`);
  return (parsed as IpLinkJson[]).flatMap((l) => {
    const ifname = str(l.ifname);
    const ifindex = num(l.ifindex);
    if (!ifname || ifindex === undefined) return [];
    const peerIndex = num(l.link_index);
    const peerNetnsId = num(l.link_netnsid);
    const mtu = num(l.mtu);
    const address = str(l.address);
    const kind = str(l.linkinfo?.info_kind);
    return [{
      ifname, ifindex, ...(peerIndex !== undefined ? { peerIndex } : {}), ...(peerNetnsId !== undefined ? { peerNetnsId } : {}),
      ...(mtu !== undefined ? { mtu } : {}), ...(address ? { address } : {}), ...(kind ? { kind } : {}),
    }];
  });
}

/** Reads `ip -j netns list-id`: nsid -> iproute2 netns name (named netns only; kind's containerd names them cni-...). */
export function parseNetnsIds(json: string): Map<number, string> {
  try {
    const list = JSON.parse(json || '[]') as Array<{ nsid?: unknown; name?: unknown }>;
    return new Map(list.flatMap((e) => (typeof e.nsid === 'number' && typeof e.name === 'string' ? [[e.nsid, e.name] as [number, string]] : [])));
  } catch {
    return new Map();
  }
}
