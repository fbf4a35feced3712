/** One IPv4/IPv6 address of `ip addr show`. */
export interface Address {
  iface: string;
  family: 'inet' | 'inet6';
  address: string;
  prefixLength: number;
}

/** Parses `ip addr show` (or `ip -o addr show`) text into addresses with their interface. */
export function parseIpAddr(text: string): Address[] {
  const result: Address[] = [];
  let iface: string | undefined;
  for (const line of text.split('\n')) {
    const head = /^\d+:\s+([^:@\s]+)/.exec(line);
    if (head) iface = head[1];
    const addr = /\b(inet6?)\s+([0-9a-f.:]+)\/(\d+)/i.exec(line);
    if (addr && iface) result.push({ iface, family: addr[1] as Address['family'], address: addr[2]!, prefixLength: Number(addr[3]) });
  }
  return result;
}
