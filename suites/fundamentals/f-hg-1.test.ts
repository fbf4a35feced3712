import { describe, expect, it } from 'vitest';
import { fHg1, type HostGwDirection, type HostGwView } from './f-hg-1.ts';

const all = (address: string) => ({ icmp: [address, address, address], tcp: [address], udp: [address] });
const aToB: HostGwDirection = {
  from: 'pod-a', to: 'pod-b', route: { dst: '10.244.2.0/24', via: '192.168.2.62' },
  icmp: { sent: 3, received: 3 }, tcp: 'refused', udp: 'refused', sources: all('10.244.1.2'),
};
const bToA: HostGwDirection = {
  from: 'pod-b', to: 'pod-a', route: { dst: '10.244.1.0/24', via: '192.168.2.61' },
  icmp: { sent: 3, received: 3 }, tcp: 'connected', udp: 'answered', sources: all('10.244.2.2'),
};
const ok: HostGwView = { directions: [aToB, bToA] };
const control = (name: RegExp) => fHg1.negativeControls.find((c) => name.test(c.name))!;
const snat = "(SNAT on the way: check iptables -t nat -S POSTROUTING on host-a)";

describe('F-HG-1 expect', () => {
  it('holds when both pods reach each other via the other host with ICMP, TCP and UDP, sources untouched', () => {
    expect(fHg1.expect(ok)).toEqual([]);
  });
  it('fails under SNAT of every protocol: pod-b sees host-a\'s address', () => {
    const problems = fHg1.expect({ directions: [{ ...aToB, sources: all('192.168.2.61') }, bToA] });
    expect(problems).toEqual([`pod-b saw source 192.168.2.61, expected pod-a's own 10.244.1.2, on ICMP, TCP, UDP ${snat}`]);
    expect(problems.join('\n')).toMatch(control(/subnet on host-a/).expectFailure);
  });
  it('fails under SNAT of TCP or UDP alone, naming the protocol, while ICMP keeps its source', () => {
    const tcp = fHg1.expect({ directions: [{ ...aToB, sources: { ...all('10.244.1.2'), tcp: ['192.168.2.61'] } }, bToA] });
    expect(tcp).toEqual([`pod-b saw source 192.168.2.61, expected pod-a's own 10.244.1.2, on TCP ${snat}`]);
    expect(tcp.join('\n')).toMatch(control(/TCP only/).expectFailure);
    const udp = fHg1.expect({ directions: [{ ...aToB, sources: { ...all('10.244.1.2'), udp: ['192.168.2.61'] } }, bToA] });
    expect(udp.join('\n')).toMatch(control(/UDP only/).expectFailure);
    expect(udp.join('\n')).not.toMatch(control(/TCP only/).expectFailure);
  });
  it('fails under SNAT in the return direction only', () => {
    const problems = fHg1.expect({ directions: [aToB, { ...bToA, sources: all('192.168.2.62') }] });
    expect(problems).toEqual(["pod-a saw source 192.168.2.62, expected pod-b's own 10.244.2.2, on ICMP, TCP, UDP (SNAT on the way: check iptables -t nat -S POSTROUTING on host-b)"]);
    expect(problems.join('\n')).toMatch(control(/return direction/).expectFailure);
  });
  it('fails without the route via host-b, for every protocol', () => {
    const problems = fHg1.expect({ directions: [
      { from: 'pod-a', to: 'pod-b', icmp: { sent: 3, received: 0 }, tcp: 'timeout', udp: 'silent', sources: { icmp: [], tcp: [], udp: [] } }, bToA,
    ] });
    expect(problems).toEqual([
      "host-a routes 10.244.2.2 nowhere, expected via host-b's 192.168.2.62 (ip route add 10.244.2.0/24 via 192.168.2.62 dev eth1)",
      'pod-a (10.244.1.2) cannot reach pod-b (10.244.2.2): 3 sent, 0 received',
      'pod-a (10.244.1.2) got no TCP answer (SYN-ACK or RST) from 10.244.2.2:8080',
      'pod-a (10.244.1.2) got no UDP answer (datagram or port unreachable) from 10.244.2.2:8081',
      'pod-b captured no ICMP packet from pod-a',
      'pod-b captured no TCP packet from pod-a',
      'pod-b captured no UDP packet from pod-a',
    ]);
    expect(problems.join('\n')).toMatch(control(/route/).expectFailure);
  });
  it('fails when TCP alone is dropped although ping works', () => {
    expect(fHg1.expect({ directions: [aToB, { ...bToA, tcp: 'timeout', sources: { ...all('10.244.2.2'), tcp: [] } }] })).toEqual([
      'pod-b (10.244.2.2) got no TCP answer (SYN-ACK or RST) from 10.244.1.2:8080',
      'pod-a captured no TCP packet from pod-b',
    ]);
  });
  it('fails on loss and on a missing direction', () => {
    expect(fHg1.expect({ directions: [{ ...aToB, icmp: { sent: 3, received: 1 } }, bToA] })).toEqual(['pod-a (10.244.1.2) reaches pod-b (10.244.2.2) with loss: 3 sent, 1 received']);
    expect(fHg1.expect({ directions: [aToB] })).toEqual(['no traffic from pod-b observed']);
  });
});
