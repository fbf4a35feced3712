import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpRoute } from '../../helpers/parsers/ip-route.ts';
import { ipipViewOf, kIpip1, type IpipNodeView, type IpipObservation } from './k-ipip-1.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ipip/${name}`, import.meta.url), 'utf8');
const a: IpipNodeView = { node: 'node-a', address: '172.30.0.11', tunl0: { kind: 'ipip', up: true, mtu: 1480 }, uplinkMtu: 1500, own: ['10.244.0.0/26'], routes: [{ dst: '10.244.0.64/26', via: '172.30.0.12', dev: 'tunl0', onlink: true }] };
const b: IpipNodeView = { node: 'node-b', address: '172.30.0.12', tunl0: { kind: 'ipip', up: true, mtu: 1480 }, uplinkMtu: 1500, own: ['10.244.0.64/26'], routes: [{ dst: '10.244.0.0/26', via: '172.30.0.11', dev: 'tunl0', onlink: true }] };
const lookup = (route: string) => ({ node: 'node-a', fromPod: 'pod-a1', from: '10.244.0.10', iif: 'cali1', toPod: 'pod-b1', to: '10.244.0.74', toNode: 'node-b', route: parseIpRoute(route)[0]! });
/** tcpdump -lnn's one-line form of an IPIP packet (outer header, then the inner one, then "(ipip-proto-4)"). */
const ipipPacket = (src: string, dst: string, inner: string) => ({ time: '00:00:00.000000', proto: 'IP', src, dst, info: `IP ${inner} (ipip-proto-4)`, inner: [] });
const healthy = (nodes: IpipNodeView[] = [a, b]): IpipObservation => ({
  nodes,
  lookups: [lookup('10.244.0.74 from 10.244.0.10 via 172.30.0.12 dev tunl0 \n    cache iif cali1')],
  captures: [{
    node: 'node-a', iface: 'eth0', pings: [{ fromPod: 'pod-a1', from: '10.244.0.10', toPod: 'pod-b1', to: '10.244.0.74', summary: { transmitted: 3, received: 3 } }],
    packets: [
      ipipPacket('172.30.0.11', '172.30.0.12', '10.244.0.10 > 10.244.0.74: ICMP echo request, id 1, seq 1, length 64'),
      ipipPacket('172.30.0.12', '172.30.0.11', '10.244.0.74 > 10.244.0.10: ICMP echo reply, id 1, seq 1, length 64'),
    ],
  }],
  pods: ['10.244.0.10', '10.244.0.74'],
});

describe('K-IPIP-1 on real tunl0 outputs', () => {
  it('reads a Calico node\'s tunl0 (ip a, projectcalico/node#12): kind ipip from link/ipip, up, its MTU', () => {
    // The paste lost the indentation ip prints before a link's detail lines; put it back as ip prints it.
    const indented = fixture('node-12-ip-a-tunl0.txt').replace(/^(?!\d+:|$)/gm, '    ');
    expect(ipipViewOf('n', '10.110.25.205', indented, '').tunl0).toEqual({ kind: 'ipip', up: true, mtu: 1440 });
  });

  it('reads the fallback tunl0 of a pod netns as down (calicoctl#1010)', () => {
    expect(ipipViewOf('p', undefined, fixture('calicoctl-1010-pod-tunl0.txt'), '').tunl0).toEqual({ kind: 'ipip', up: false, mtu: 1480 });
  });

  it('reads BIRD\'s tunl0 routes "via <peer> dev tunl0 proto bird onlink" (projectcalico/bird#6) as the check wants them', () => {
    const v = ipipViewOf('n', '10.240.0.5', '', fixture('bird-pr6-ip-r-tunl0.txt'));
    expect(v.routes).toContainEqual({ dst: '10.233.12.238', via: '10.240.238.185', dev: 'tunl0', onlink: true });
    expect(v.routes.every((r) => r.dev === 'tunl0' && r.onlink)).toBe(true);
    expect(v.routes).toHaveLength(4);
  });
});

describe('K-IPIP-1 expectation', () => {
  it('holds with remote blocks via tunl0 onlink, own blackholes, tunl0 at 1480 on a 1500 uplink, the kernel and the wire agreeing', () => {
    expect(kIpip1.expect(healthy())).toEqual([]);
  });

  it('names the missing tunl0 route, matching the negative control', () => {
    const problems = kIpip1.expect(healthy([{ ...a, routes: [] }, b]));
    expect(problems).toEqual(['node node-a: no route to node-b\'s block 10.244.0.64/26, expected 10.244.0.64/26 via 172.30.0.12 dev tunl0 proto bird onlink']);
    expect(problems[0]).toMatch(kIpip1.negativeControls[0]!.expectFailure);
  });

  it('the control shadows BIRD\'s route with a blackhole BIRD cannot replace, and the check reads it as the route gone', () => {
    const control = kIpip1.negativeControls[0]!;
    expect(control.owner).toMatchObject({ owner: 'BIRD (calico-node)', reverts: 'periodically', everySeconds: 2, breakage: 'shadows' });
    // node-a after `ip route replace blackhole 10.244.0.64/26`: iproute2 prints no "proto boot"; BIRD's own blackhole keeps "proto bird".
    const shadowed = ipipViewOf('node-a', '172.30.0.11', '', 'blackhole 10.244.0.0/26 proto bird \nblackhole 10.244.0.64/26 \n');
    expect(shadowed).toMatchObject({ own: ['10.244.0.0/26'], routes: [] });
    const problems = kIpip1.expect(healthy([{ ...a, routes: shadowed.routes }, b]));
    expect(problems[0]).toMatch(control.expectFailure);
  });

  it('fails without tunl0, as on a kernel without IPIP where blocks route over eth0', () => {
    const { tunl0: _t, ...noTunnel } = a;
    expect(kIpip1.expect(healthy([{ ...noTunnel, routes: [{ dst: '10.244.0.64/26', via: '172.30.0.12', dev: 'eth0', onlink: false }] }, b]))).toEqual([
      'node node-a: no IPIP device tunl0',
      'node node-a: node-b\'s block is "10.244.0.64/26 via 172.30.0.12 dev eth0", expected 10.244.0.64/26 via 172.30.0.12 dev tunl0 proto bird onlink',
    ]);
  });

  it('fails on a tunl0 MTU the uplink cannot carry (X-MTU-1\'s 1480 on a 1500 underlay)', () => {
    expect(kIpip1.expect(healthy([{ ...a, tunl0: { kind: 'ipip', up: true, mtu: 1500 } }, b]))).toEqual([
      'node node-a: tunl0 MTU 1500, expected at most 1480 (uplink MTU 1500 minus the 20-byte outer header)',
    ]);
  });

  it('fails when the kernel sends a remote pod out of eth0 bare', () => {
    const v = healthy();
    const bare = { ...v, lookups: [lookup('10.244.0.74 from 10.244.0.10 via 172.30.0.12 dev eth0 \n    cache iif cali1')],
      captures: [{ ...v.captures[0]!, packets: [{ time: '00:00:00.000000', proto: 'IP', src: '10.244.0.10', dst: '10.244.0.74', info: 'ICMP echo request, id 1, seq 1, length 64', inner: [] }] }] };
    expect(kIpip1.expect(bare)).toEqual([
      'node node-a: kernel lookup for pod-a1 (10.244.0.10) -> pod-b1 (10.244.0.74) on node-b goes via 172.30.0.12 dev eth0, expected via 172.30.0.12 dev tunl0 onlink',
      'node node-a: pod-a1 (10.244.0.10) -> pod-b1 (10.244.0.74): no IPIP echo request on eth0',
      'node node-a: bare pod packet on the underlay eth0: 10.244.0.10 > 10.244.0.74: ICMP echo request, id 1, seq 1, length 64 (expected only encapsulated pod traffic)',
    ]);
  });
});
