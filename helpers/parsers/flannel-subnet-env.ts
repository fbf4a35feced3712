import type { Parsed } from './parsed.ts';

/** flanneld's /run/flannel/subnet.env: FLANNEL_NETWORK, FLANNEL_SUBNET, FLANNEL_MTU, FLANNEL_IPMASQ. */
export type SubnetEnv = Record<string, string>;

export const SUBNET_ENV_KEYS = ['FLANNEL_NETWORK', 'FLANNEL_SUBNET', 'FLANNEL_MTU', 'FLANNEL_IPMASQ'] as const;

export function parseSubnetEnv(text: string): SubnetEnv {
  return parseSubnetEnvWithUnparsed(text).value;
}

/** As parseSubnetEnv, plus lines that are not `KEY=value` (flanneld writes only those: flannel pkg/subnet WriteSubnetFile, `fmt.Fprintf(f, "FLANNEL_NETWORK=%s\n", ...)`). */
export function parseSubnetEnvWithUnparsed(text: string): Parsed<SubnetEnv> {
  const value: SubnetEnv = {};
  const unparsed: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*?)\s*$/.exec(line);
    if (m) value[m[1]!] = m[2]!;
    else if (line.trim() && !line.trim().startsWith('#')) unparsed.push(line);
  }
  return { value, unparsed };
}

/** `10.244.1.1/24` (the gateway address flanneld writes) -> `10.244.1.0/24`. */
export function subnetNetwork(cidr: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const length = Number(m[5]);
  const value = m.slice(1, 5).reduce((acc, p) => acc * 256 + Number(p), 0);
  const mask = length === 0 ? 0 : (~0 << (32 - length)) >>> 0;
  const net = (value & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')}/${length}`;
}
