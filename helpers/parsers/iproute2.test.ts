import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpLink, parseIpLinkWithUnparsed } from './ip-link.ts';
import { lookupRoute, parseIpRoute, parseIpRouteWithUnparsed } from './ip-route.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/iproute2/${name}`, import.meta.url), 'utf8');

describe('parseIpRoute on real output', () => {
  it('reads Calico workload /32 routes, the BIRD blackhole and the default route (calicoctl#772)', () => {
    const routes = parseIpRoute(fixture('calico-772-ip-route.txt'));
    expect(routes).toHaveLength(9);
    expect(routes[0]).toMatchObject({ dst: 'default', via: '172.31.16.1', dev: 'eth0', type: 'unicast' });
    expect(routes.find((r) => r.type === 'blackhole')).toMatchObject({ dst: '192.168.0.0/26', proto: 'bird' });
    expect(routes.find((r) => r.dst === '192.168.0.13')).toMatchObject({ dev: 'caliefab0610c79', scope: 'link' });
  });

  it('reads remote /26 blocks learnt from BIRD (calico#7706)', () => {
    const routes = parseIpRoute(fixture('calico-7706-ip-route-bird.txt'));
    expect(routes.filter((r) => r.proto === 'bird' && r.type === 'unicast').map((r) => r.dst)).toEqual([
      '172.18.123.0/26', '172.18.136.0/26', '172.18.180.0/26', '172.18.215.0/26',
    ]);
    expect(routes[0]).toMatchObject({ via: 'x.x.0.1', dev: 'eth0', onlink: false });
  });

  it('parses onlink and metric', () => {
    const [route] = parseIpRoute('10.244.1.0/26 via 10.0.0.12 dev tunl0 proto bird onlink metric 20');
    expect(route).toMatchObject({ dst: '10.244.1.0/26', via: '10.0.0.12', dev: 'tunl0', proto: 'bird', onlink: true, metric: 20 });
  });

  it('skips lines that are not routes, and reports them', () => {
    expect(parseIpRoute('Error: ipv4: FIB table does not exist.\n\n')).toEqual([]);
    expect(parseIpRouteWithUnparsed('Error: ipv4: FIB table does not exist.\n\n').unparsed).toEqual(['Error: ipv4: FIB table does not exist.']);
    expect(parseIpRouteWithUnparsed(fixture('calico-772-ip-route.txt')).unparsed).toEqual([]);
    expect(parseIpRouteWithUnparsed(fixture('calico-7706-ip-route-bird.txt')).unparsed).toEqual([]);
  });

  it('picks the longest prefix, as the kernel does', () => {
    const routes = parseIpRoute(fixture('calico-772-ip-route.txt'));
    expect(lookupRoute(routes, '192.168.0.13')?.dev).toBe('caliefab0610c79');
    expect(lookupRoute(routes, '192.168.0.40')?.type).toBe('blackhole');
    expect(lookupRoute(routes, '8.8.8.8')?.dst).toBe('default');
    expect(lookupRoute([], '10.0.0.1')).toBeUndefined();
  });
});

describe('parseIpLink on real output', () => {
  it('reads the cali veth MAC and the tunl0 device (calico#1761)', () => {
    const links = parseIpLink(fixture('calico-1761-ip-link.txt'));
    expect(links.map((l) => l.name)).toEqual(['lo', 'eth0', 'docker0', 'tunl0', 'cali70620a858ec']);
    expect(links.find((l) => l.name === 'cali70620a858ec')).toMatchObject({ mac: 'ee:ee:ee:ee:ee:ee', peer: 'if4', mtu: 1500, state: 'UP' });
    expect(links.find((l) => l.name === 'tunl0')).toMatchObject({ linkType: 'ipip', peer: 'NONE', mtu: 1440 });
  });

  it('reads flannel.1 VXLAN attributes from ip -d link (flannel#1757)', () => {
    const [link] = parseIpLink(fixture('flannel-1757-ip-d-link.txt'));
    expect(link).toMatchObject({ name: 'flannel.1', kind: 'vxlan', mtu: 1370 });
    expect(link?.vxlan).toEqual({ id: 1, local: '10.0.0.1', dev: 'abc', dstport: 8472, learning: false });
  });

  it('returns nothing for text that is not ip link output, and reports it', () => {
    expect(parseIpLink('Device "cali0" does not exist.')).toEqual([]);
    expect(parseIpLinkWithUnparsed('Device "cali0" does not exist.').unparsed).toEqual(['Device "cali0" does not exist.']);
  });

  it('keeps every detail line of iproute2 6.1 -d output inside its link (nothing unparsed)', () => {
    const { value, unparsed } = parseIpLinkWithUnparsed(fixture('lab-bookworm-ip-d-link.txt'));
    expect(value.map((l) => [l.name, l.kind])).toEqual([['lo', undefined], ['v1', 'veth'], ['v0', 'veth'], ['br0', 'bridge']]);
    expect(value[1]).toMatchObject({ peer: 'v0', master: 'br0', mtu: 1500 });
    expect(unparsed).toEqual([]);
    expect(parseIpLinkWithUnparsed(fixture('calico-1761-ip-link.txt')).unparsed).toEqual([]);
  });
});
