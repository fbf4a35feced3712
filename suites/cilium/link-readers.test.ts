import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readViaRoutes } from './c-nat-1.ts';
import { readVxlanLink } from './c-tun-1.ts';

// Real iproute2 output, sources in helpers/parsers/fixtures/iproute2/SOURCES.md.
const fixture = (name: string) => readFileSync(new URL(`../../helpers/parsers/fixtures/iproute2/${name}`, import.meta.url), 'utf8');

describe('C-NAT-1 route reader', () => {
  it('keeps only prefix routes with a next hop (calico#7706 sample: four remote blocks, not the blackhole)', () => {
    expect(readViaRoutes(fixture('calico-7706-ip-route-bird.txt'))).toEqual([
      { cidr: '172.18.123.0/26', via: 'x.x.0.1', dev: 'eth0' },
      { cidr: '172.18.136.0/26', via: 'x.x.0.1', dev: 'eth0' },
      { cidr: '172.18.180.0/26', via: 'x.x.0.1', dev: 'eth0' },
      { cidr: '172.18.215.0/26', via: 'x.x.0.1', dev: 'eth0' },
    ]);
  });

  it('ignores host routes and device routes (calicoctl#772 sample has none with a next hop and a prefix)', () => {
    expect(readViaRoutes(fixture('calico-772-ip-route.txt'))).toEqual([]);
  });
});

describe('C-TUN-1 link reader', () => {
  it('reads a VXLAN device only when it is cilium_vxlan', () => {
    const flannel = fixture('flannel-1757-ip-d-link.txt');
    expect(readVxlanLink(flannel)).toBeUndefined();
    expect(readVxlanLink(flannel.replace('flannel.1:', 'cilium_vxlan:'))).toEqual({ up: true, dstport: 8472 });
    expect(readVxlanLink(flannel.replace('flannel.1:', 'cilium_vxlan:').replace('<BROADCAST,MULTICAST,UP,LOWER_UP>', '<BROADCAST,MULTICAST>'))).toEqual({ up: false, dstport: 8472 });
  });
});
