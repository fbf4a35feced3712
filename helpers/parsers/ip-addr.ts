import type { Parsed } from './parsed.ts';

/** One IPv4/IPv6 address of `ip addr show`. */
export interface Address {
  iface: string;
  family: 'inet' | 'inet6';
  address: string;
  prefixLength: number;
}

/** Parses `ip addr show` (or `ip -o addr show`) text into addresses with their interface. */
export function parseIpAddr(text: string): Address[] {
  return parseIpAddrWithUnparsed(text).value;
}

/**
 * As parseIpAddr, plus what it did not understand: a line outside any interface block, or an
 * `inet`/`inet6` line whose address it cannot read (e.g. `inet 10.0.0.1 peer 10.0.0.2/32`).
 */
export function parseIpAddrWithUnparsed(text: string): Parsed<Address[]> {
  const value: Address[] = [];
  const unparsed: string[] = [];
  let iface: string | undefined;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const head = /^\d+:\s+([^:@\s]+)/.exec(line);
    if (head) iface = head[1];
    const addr = /\b(inet6?)\s+([0-9a-f.:]+)\/(\d+)/i.exec(line);
    if (addr && iface) value.push({ iface, family: addr[1] as Address['family'], address: addr[2]!, prefixLength: Number(addr[3]) });
    else if (!head && (!iface || !/^\s/.test(line) || /^\s*inet6?\s/.test(line))) unparsed.push(line);
  }
  return { value, unparsed };
}
