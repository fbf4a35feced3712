import { describe, expect, it } from 'vitest';
import { fVx2, type VxMcastView } from './f-vx-2.ts';

const ok: VxMcastView = {
  pings: (['host-a', 'host-b', 'host-c'] as const).flatMap((from) => (['host-a', 'host-b', 'host-c'] as const).filter((to) => to !== from).map((to) => ({ from, to, sent: 2, received: 2 }))),
  hosts: [
    { host: 'host-a', groupEntry: true, learntBefore: [], learntAfter: ['192.168.2.62', '192.168.2.63'] },
    { host: 'host-b', groupEntry: true, learntBefore: [], learntAfter: ['192.168.2.61', '192.168.2.63'] },
    { host: 'host-c', groupEntry: true, learntBefore: [], learntAfter: ['192.168.2.61', '192.168.2.62'] },
  ],
};

describe('F-VX-2 expect', () => {
  it('holds when all three learn each other after the pings', () => {
    expect(fVx2.expect(ok)).toEqual([]);
  });
  it('fails when host-c drops the group (no ping, nothing learnt)', () => {
    const broken: VxMcastView = {
      pings: ok.pings.map((p) => (p.to === 'host-c' ? { ...p, received: 0 } : p)),
      hosts: ok.hosts.map((h) => ({ ...h, learntAfter: h.host === 'host-c' ? [] : h.learntAfter.filter((d) => d !== '192.168.2.63') })),
    };
    const problems = fVx2.expect(broken);
    expect(problems).toContain('host-a cannot reach host-c (10.20.1.3) over vxlan6: 2 sent, 0 received');
    expect(problems).toContain('host-a learnt no fdb entry for host-c (192.168.2.63) after the pings (learnt: 192.168.2.62)');
  });
  it('fails on loss and on a pair never pinged', () => {
    expect(fVx2.expect({ ...ok, pings: ok.pings.map((p) => (p.from === 'host-c' && p.to === 'host-b' ? { ...p, received: 1 } : p)) }))
      .toEqual(['host-c reaches host-b (10.20.1.2) over vxlan6 with loss: 2 sent, 1 received']);
    expect(fVx2.expect({ ...ok, pings: ok.pings.filter((p) => p.from !== 'host-c') }))
      .toEqual(['no ping from host-c to host-a observed', 'no ping from host-c to host-b observed']);
  });
  it('fails when entries existed before the ping or the group entry is missing', () => {
    const problems = fVx2.expect({ ...ok, hosts: [{ ...ok.hosts[0]!, groupEntry: false, learntBefore: ['192.168.2.62'] }, ok.hosts[1]!, ok.hosts[2]!] });
    expect(problems).toEqual([
      'host-a: vxlan6 has no all-zero fdb entry for group 239.1.1.1; create it with "group 239.1.1.1"',
      'host-a: fdb entries before the first ping (192.168.2.62): learning cannot be shown',
    ]);
  });
});
