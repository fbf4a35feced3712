import { describe, expect, it } from 'vitest';
import { fParp1, type ProxyArpView } from './f-parp-1.ts';

const MAC = 'aa:bb:cc:00:00:03';
const ok: ProxyArpView = {
  route: { dst: '10.1.0.0/16' }, sent: 3, received: 3, before: { lladdr: MAC, state: 'STALE' },
  arp: { sent: 1, answeredBy: [MAC] }, neighbour: { lladdr: MAC, state: 'REACHABLE' }, routerMac: MAC, proxyArp: '1',
};

describe('F-PARP-1 expect', () => {
  it('holds when r1 answers pc1\'s live ARP request with its own MAC and pc1 reaches h1', () => {
    expect(fParp1.expect(ok)).toEqual([]);
  });
  it('fails with proxy_arp off: no answer, no ping', () => {
    const problems = fParp1.expect({ ...ok, received: 0, arp: { sent: 1, answeredBy: [] }, neighbour: { state: 'INCOMPLETE' }, proxyArp: '0' });
    expect(problems).toEqual([
      'pc1 (10.1.3.1/16) cannot reach 10.1.1.1 on another subnet: 3 sent, 0 received',
      'r1 did not answer pc1\'s ARP request for 10.1.1.1 (arping: 1 sent, no reply within 0.3 s)',
      `pc1's neighbour 10.1.1.1 is lladdr (none) state INCOMPLETE, expected r1's eth3 MAC ${MAC} (proxy ARP)`,
      'r1: net.ipv4.conf.eth3.proxy_arp = 0, expected 1',
    ]);
    expect(problems.join('\n')).toMatch(fParp1.negativeControls[0]!.expectFailure);
  });
  it('fails on a permanent neighbour entry that hides a router no longer answering, although the ping works', () => {
    const permanent = { lladdr: MAC, state: 'PERMANENT' };
    const problems = fParp1.expect({ ...ok, before: permanent, neighbour: permanent, arp: { sent: 1, answeredBy: [] } });
    expect(problems).toEqual([
      'pc1 has a PERMANENT neighbour entry for 10.1.1.1 (lladdr aa:bb:cc:00:00:03): it stands in for r1\'s answer, so proxy ARP is not shown; remove it (ip neigh del 10.1.1.1 dev eth1)',
      'r1 did not answer pc1\'s ARP request for 10.1.1.1 (arping: 1 sent, no reply within 0.3 s)',
    ]);
    expect(problems.join('\n')).toMatch(fParp1.negativeControls[1]!.expectFailure);
    expect(fParp1.expect({ ...ok, before: permanent, neighbour: permanent })[0]).toMatch(/PERMANENT neighbour entry/);
  });
  it('fails when another MAC answers', () => {
    expect(fParp1.expect({ ...ok, arp: { sent: 1, answeredBy: ['aa:bb:cc:00:00:99'] } }))
      .toEqual([`pc1's ARP request for 10.1.1.1 was answered by aa:bb:cc:00:00:99, expected r1's eth3 MAC ${MAC}`]);
  });
  it('fails when pc1 uses a gateway instead of its /16', () => {
    expect(fParp1.expect({ ...ok, route: { dst: 'default', via: '10.1.3.254' } })[0]).toMatch(/routes 10\.1\.1\.1 via 10\.1\.3\.254 \(default\): it must be on-link/);
  });
});
