import type { Parsed } from './parsed.ts';

/** One packet of `tcpdump -n[n] [-e]` text output (default verbosity). */
export interface CapturedPacket {
  time: string;
  /** Link-level header with `-e`. */
  ethSrc?: string;
  ethDst?: string;
  /** "IP", "ARP", "IP6"... (with -e, taken from the ethertype). */
  proto: string;
  src?: string;
  dst?: string;
  srcPort?: number;
  dstPort?: number;
  /** What follows "src > dst: " (or the ARP text). */
  info: string;
  /** VXLAN network identifier, when tcpdump decoded a VXLAN header. */
  vni?: number;
  /** The encapsulated frame's line(s), printed by tcpdump on the following line(s). */
  inner: string[];
}

const TIME = /^(\d{2}:\d{2}:\d{2}\.\d+)\s+(.*)$/;
const LINK = /^([0-9a-f]{2}(?::[0-9a-f]{2}){5}) > ([0-9a-f]{2}(?::[0-9a-f]{2}){5}), ethertype (\S+) \([^)]*\), length \d+: (.*)$/i;
const ENDPOINT = /^(\d+\.\d+\.\d+\.\d+)(?:\.(\d+|[a-z][\w-]*))?$/i;

// tcpdump's own banner and statistics (tcpdump.c 4.99: "listening on %s, link-type ...", "%u packets captured", ...).
const BANNER = /^(tcpdump:|listening on|dropped privs|\d+ packets? (captured|received by filter|dropped by kernel))/;

/** Parses the packet lines of tcpdump's output; banner and statistics lines are skipped. */
export function parseTcpdump(text: string): CapturedPacket[] {
  return parseTcpdumpWithUnparsed(text).value;
}

/** As parseTcpdump, plus lines before the first packet that are neither banner nor statistics. */
export function parseTcpdumpWithUnparsed(text: string): Parsed<CapturedPacket[]> {
  const packets: CapturedPacket[] = [];
  const unparsed: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = TIME.exec(line.trim());
    if (m) { packets.push(parsePacket(m[1]!, m[2]!)); continue; }
    if (!line.trim() || BANNER.test(line.trim())) continue;
    const last = packets[packets.length - 1];
    if (last) last.inner.push(line.trim());
    else unparsed.push(line);
  }
  return { value: packets, unparsed };
}

function parsePacket(time: string, rest: string): CapturedPacket {
  const packet: CapturedPacket = { time, proto: '', info: rest, inner: [] };
  let body = rest;
  const link = LINK.exec(rest);
  if (link) {
    packet.ethSrc = link[1]!.toLowerCase();
    packet.ethDst = link[2]!.toLowerCase();
    packet.proto = link[3] === 'IPv4' ? 'IP' : link[3]!;
    body = link[4]!;
  } else {
    const word = /^(\S+?),?\s+(.*)$/.exec(rest);
    packet.proto = word?.[1] ?? '';
    body = word?.[2] ?? '';
  }
  const flow = /^(\S+) > (\S+): (.*)$/.exec(body);
  if (flow && packet.proto !== 'ARP') {
    const [src, dst] = [ENDPOINT.exec(flow[1]!), ENDPOINT.exec(flow[2]!)];
    if (src) { packet.src = src[1]!; if (src[2] && /^\d+$/.test(src[2])) packet.srcPort = Number(src[2]); }
    if (dst) { packet.dst = dst[1]!; if (dst[2] && /^\d+$/.test(dst[2])) packet.dstPort = Number(dst[2]); else if (dst[2] === 'vxlan') packet.dstPort = 4789; }
    packet.info = flow[3]!;
  } else {
    packet.info = body;
  }
  const vni = /VXLAN, flags \[[^\]]*\] \(0x[0-9a-f]+\), vni (\d+)/i.exec(packet.info);
  if (vni) packet.vni = Number(vni[1]);
  return packet;
}
