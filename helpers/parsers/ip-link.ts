import type { Parsed } from './parsed.ts';

/** VXLAN attributes from `ip -d link show`. */
export interface VxlanInfo {
  id: number;
  local?: string;
  remote?: string;
  group?: string;
  dev?: string;
  dstport?: number;
  learning: boolean;
}

/** One interface of `ip [-d] link show`. */
export interface Link {
  index: number;
  name: string;
  /** The part after @ in `cali1@if4` / `tunl0@NONE`. */
  peer?: string;
  flags: string[];
  mtu?: number;
  state?: string;
  master?: string;
  linkType?: string;
  mac?: string;
  /** The -d kind line: veth, vxlan, bridge, ipip... */
  kind?: string;
  vxlan?: VxlanInfo;
  raw: string;
}

/** Parses `ip link show` and `ip -d link show` text. */
export function parseIpLink(text: string): Link[] {
  return parseIpLinkWithUnparsed(text).value;
}

/** As parseIpLink, plus lines outside any link block (indented detail lines belong to the link above, in `raw`). */
export function parseIpLinkWithUnparsed(text: string): Parsed<Link[]> {
  const links: Link[] = [];
  const unparsed: string[] = [];
  let current: Link | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\d+):\s+([^:@\s]+)(?:@([^:\s]+))?:\s+<([^>]*)>(.*)$/.exec(line);
    if (head) {
      const rest = head[5] ?? '';
      current = {
        index: Number(head[1]),
        name: head[2]!,
        ...(head[3] ? { peer: head[3] } : {}),
        flags: head[4] ? head[4].split(',') : [],
        ...numberAfter(rest, 'mtu', 'mtu'),
        ...wordAfter(rest, 'state', 'state'),
        ...wordAfter(rest, 'master', 'master'),
        raw: line,
      };
      links.push(current);
      continue;
    }
    if (!line.trim()) continue;
    if (!current || !/^\s/.test(line)) { unparsed.push(line); continue; }
    current.raw += `\n${line}`;
    const body = line.trim();
    const linkLine = /^link\/(\S+)(?:\s+(\S+))?/.exec(body);
    if (linkLine) {
      current.linkType = linkLine[1];
      if (linkLine[2] && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(linkLine[2])) current.mac = linkLine[2].toLowerCase();
      continue;
    }
    const kind = /^(vxlan|veth|bridge|ipip|bridge_slave|macvlan|ipvlan|dummy|geneve|tun)\b/.exec(body);
    if (kind && !current.kind) {
      current.kind = kind[1];
      if (kind[1] === 'vxlan') current.vxlan = parseVxlan(body);
    }
  }
  return { value: links, unparsed };
}

function parseVxlan(body: string): VxlanInfo {
  const words = body.split(/\s+/);
  const after = (key: string) => { const i = words.indexOf(key); return i >= 0 ? words[i + 1] : undefined; };
  const info: VxlanInfo = { id: Number(after('id')), learning: !words.includes('nolearning') };
  for (const key of ['local', 'remote', 'group', 'dev'] as const) { const v = after(key); if (v) info[key] = v; }
  const port = after('dstport');
  if (port) info.dstport = Number(port);
  return info;
}

function numberAfter(text: string, key: string, field: 'mtu'): Partial<Link> {
  const m = new RegExp(`\\b${key}\\s+(\\d+)`).exec(text);
  return m ? { [field]: Number(m[1]) } : {};
}

function wordAfter(text: string, key: string, field: 'state' | 'master'): Partial<Link> {
  const m = new RegExp(`\\b${key}\\s+(\\S+)`).exec(text);
  return m ? { [field]: m[1] } : {};
}
