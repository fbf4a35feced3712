import { describe, expect, it } from 'vitest';
import { fVx1, type VxP2pDirection, type VxP2pView } from './f-vx-1.ts';

const aToB: VxP2pDirection = { from: 'host-a', to: 'host-b', sent: 3, received: 3, bare: [], packets: [
  { dstPort: 4789, vni: 5, inner: 'ARP, Request who-has 20.1.1.2 tell 20.1.1.1, length 28' },
  { dstPort: 4789, vni: 5, inner: 'IP 20.1.1.1 > 20.1.1.2: ICMP echo request, id 1, seq 1, length 64' },
] };
const bToA: VxP2pDirection = { from: 'host-b', to: 'host-a', sent: 3, received: 3, bare: [], packets: [
  { dstPort: 4789, vni: 5, inner: 'ARP, Request who-has 20.1.1.1 tell 20.1.1.2, length 28' },
  { dstPort: 4789, vni: 5, inner: 'IP 20.1.1.2 > 20.1.1.1: ICMP echo request, id 2, seq 1, length 64' },
] };
const ok: VxP2pView = { directions: [aToB, bToA] };
const control = (name: RegExp) => fVx1.negativeControls.find((c) => name.test(c.name))!;

describe('F-VX-1 expect', () => {
  it('holds for pings both ways with VNI 5 on UDP 4789 carrying the overlay frames', () => {
    expect(fVx1.expect(ok)).toEqual([]);
  });
  it('fails when the overlay ping is lost (vxlan5 down on host-b)', () => {
    const problems = fVx1.expect({ directions: [{ ...aToB, received: 0 }, bToA] });
    expect(problems).toEqual(["host-a cannot reach host-b's overlay 20.1.1.2 over vxlan5: 3 sent, 0 received"]);
    expect(problems.join('\n')).toMatch(control(/down/).expectFailure);
  });
  it('fails on loss, with the counts', () => {
    expect(fVx1.expect({ directions: [aToB, { ...bToA, received: 2 }] })).toEqual(["host-b reaches host-a's overlay 20.1.1.1 over vxlan5 with loss: 3 sent, 2 received"]);
  });
  it('fails when the tunnel runs on another port (dstport 8472)', () => {
    const [p] = fVx1.expect({ directions: [{ ...aToB, packets: [{ dstPort: 8472, inner: 'x' }] }, bToA] });
    expect(p).toMatch(/host-b's underlay eth1 saw no UDP 4789 packet carrying VNI 5 from 192\.168\.2\.61 \(saw: port 8472 vni -\)/);
    expect(p).toMatch(control(/8472/).expectFailure);
  });
  it('fails on the other direction alone: host-b\'s remote points elsewhere, host-a -> host-b still works', () => {
    const problems = fVx1.expect({ directions: [aToB, { ...bToA, received: 0, packets: [] }] });
    expect(problems).toEqual([
      "host-b cannot reach host-a's overlay 20.1.1.1 over vxlan5: 3 sent, 0 received",
      'host-a\'s underlay eth1 saw no UDP 4789 packet carrying VNI 5 from 192.168.2.62 (saw: nothing); check "ip -d link show vxlan5" on host-b',
    ]);
    expect(problems.join('\n')).toMatch(control(/remote/).expectFailure);
  });
  it('fails when overlay packets cross the underlay bare although the pings work', () => {
    const problems = fVx1.expect({ directions: [aToB, { ...bToA, bare: ['IP 20.1.1.2 > 20.1.1.1: ICMP echo request, id 3, seq 1, length 64'] }] });
    expect(problems).toEqual([
      "host-a's underlay eth1 carried 1 overlay packet(s) unencapsulated while host-b pinged (IP 20.1.1.2 > 20.1.1.1: ICMP echo request, id 3, seq 1, length 64): a route sends overlay traffic around vxlan5",
    ]);
    expect(problems.join('\n')).toMatch(control(/leftover/).expectFailure);
  });
  it('fails on another VNI, on VNI 5 frames that are not the overlay\'s, and on a missing direction', () => {
    expect(fVx1.expect({ directions: [{ ...aToB, packets: [{ dstPort: 4789, vni: 6, inner: '' }] }, bToA] })[0]).toMatch(/no UDP 4789 packet carrying VNI 5/);
    expect(fVx1.expect({ directions: [{ ...aToB, packets: [{ dstPort: 4789, vni: 5, inner: 'IP 10.0.0.1 > 10.0.0.2' }] }, bToA] })[0]).toMatch(/carry no frame of 20\.1\.1\.1/);
    expect(fVx1.expect({ directions: [aToB] })).toEqual(['no ping from host-b observed']);
  });
});
