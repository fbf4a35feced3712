/** flanneld's /run/flannel/subnet.env: FLANNEL_NETWORK, FLANNEL_SUBNET, FLANNEL_MTU, FLANNEL_IPMASQ. */
export type SubnetEnv = Record<string, string>;

export const SUBNET_ENV_KEYS = ['FLANNEL_NETWORK', 'FLANNEL_SUBNET', 'FLANNEL_MTU', 'FLANNEL_IPMASQ'] as const;

export function parseSubnetEnv(text: string): SubnetEnv {
  return Object.fromEntries(text.split('\n').map((l) => /^\s*([A-Z0-9_]+)=(.*?)\s*$/.exec(l)).filter((m) => m !== null).map((m) => [m[1]!, m[2]!]));
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
