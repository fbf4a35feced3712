import { describe, expect, it } from 'vitest';
import { fVx1, type VxP2pView } from './f-vx-1.ts';

const ok: VxP2pView = { sent: 2, received: 2, packets: [
  { dstPort: 4789, vni: 5, inner: 'ARP, Request who-has 20.1.1.2 tell 20.1.1.1, length 28' },
  { dstPort: 4789, vni: 5, inner: 'IP 20.1.1.1 > 20.1.1.2: ICMP echo request, id 1, seq 1, length 64' },
] };

describe('F-VX-1 expect', () => {
  it('holds for a ping with VNI 5 on UDP 4789 carrying the overlay frame', () => {
    expect(fVx1.expect(ok)).toEqual([]);
  });
  it('fails when the overlay ping is lost (vxlan5 down on host-b)', () => {
    expect(fVx1.expect({ ...ok, received: 0 })).toEqual(["host-a cannot reach host-b's overlay 20.1.1.2 over vxlan5: 2 sent, 0 received"]);
  });
  it('fails when the tunnel runs on another port (dstport 8472)', () => {
    const [p] = fVx1.expect({ ...ok, packets: [{ dstPort: 8472, inner: 'x' }] });
    expect(p).toMatch(/saw no UDP 4789 packet carrying VNI 5 from 192\.168\.2\.61 \(saw: port 8472 vni -\)/);
  });
  it('fails on another VNI and on VNI 5 frames that are not the overlay\'s', () => {
    expect(fVx1.expect({ ...ok, packets: [{ dstPort: 4789, vni: 6, inner: '' }] })[0]).toMatch(/no UDP 4789 packet carrying VNI 5/);
    expect(fVx1.expect({ ...ok, packets: [{ dstPort: 4789, vni: 5, inner: 'IP 10.0.0.1 > 10.0.0.2' }] })[0]).toMatch(/carry no frame of 20\.1\.1\.1/);
  });
});
