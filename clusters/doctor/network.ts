import type { KindNetwork } from '../kind/kind-network.ts';
import type { Finding } from './types.ts';

function toRange(cidr: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const base = m.slice(1, 5).map(Number).reduce((acc, octet) => acc * 256 + octet, 0);
  const size = 2 ** (32 - Number(m[5]));
  const start = base - (base % size);
  return [start, start + size - 1];
}

/** Whether two IPv4 CIDRs share an address (IPv6 is never compared: our profiles are IPv4). */
export function cidrsOverlap(a: string, b: string): boolean {
  const ra = toRange(a);
  const rb = toRange(b);
  return !!ra && !!rb && ra[0] <= rb[1] && rb[0] <= ra[1];
}

/** The kind network's subnets; one that overlaps a profile's pod or service CIDR breaks routing to nodes. */
export function kindNetworkFindings(network: KindNetwork | undefined, profileCidrs: Array<{ profile: string; cidr: string }>): Finding[] {
  const check = 'kind network';
  if (!network) return [{ check, status: 'info', detail: 'no "kind" docker network yet: kind creates it with the first cluster (Docker picks its IPv4 subnet)' }];
  const findings: Finding[] = [{ check, status: 'ok', detail: `subnets ${network.subnets.map((s) => `${s.subnet}${s.gateway ? ` (gateway ${s.gateway})` : ''}`).join(', ') || 'none'}` }];
  for (const subnet of network.subnets) {
    const clashes = profileCidrs.filter((p) => cidrsOverlap(subnet.subnet, p.cidr));
    if (clashes.length > 0) {
      findings.push({ check, status: 'fail', detail: `${subnet.subnet} overlaps ${clashes.map((c) => `${c.profile} ${c.cidr}`).join(', ')}`, fix: 'docker network rm kind (after deleting its clusters) so kind recreates it, or change the default-address-pools of dockerd' });
    }
  }
  return findings;
}
