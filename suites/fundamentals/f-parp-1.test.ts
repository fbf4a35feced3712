import { describe, expect, it } from 'vitest';
import { fParp1, type ProxyArpView } from './f-parp-1.ts';

const MAC = 'aa:bb:cc:00:00:03';
const ok: ProxyArpView = { route: { dst: '10.1.0.0/16' }, sent: 2, received: 2, neighbour: { lladdr: MAC, state: 'REACHABLE' }, routerMac: MAC, proxyArp: '1' };

describe('F-PARP-1 expect', () => {
  it('holds when pc1 resolves h1 to r1\'s MAC and reaches it', () => {
    expect(fParp1.expect(ok)).toEqual([]);
  });
  it('fails with proxy_arp off: no answer, no ping', () => {
    const problems = fParp1.expect({ ...ok, received: 0, neighbour: { state: 'FAILED' }, proxyArp: '0' });
    expect(problems).toEqual([
      'pc1 (10.1.3.1/16) cannot reach 10.1.1.1 on another subnet: 2 sent, 0 received',
      `pc1's neighbour 10.1.1.1 is lladdr (none) state FAILED, expected r1's eth3 MAC ${MAC} (proxy ARP)`,
      'r1: net.ipv4.conf.eth3.proxy_arp = 0, expected 1',
    ]);
    expect(problems.join('\n')).toMatch(fParp1.negativeControls[0]!.expectFailure);
  });
  it('fails when pc1 uses a gateway instead of its /16', () => {
    expect(fParp1.expect({ ...ok, route: { dst: 'default', via: '10.1.3.254' } })[0]).toMatch(/routes 10\.1\.1\.1 via 10\.1\.3\.254 \(default\): it must be on-link/);
  });
});
