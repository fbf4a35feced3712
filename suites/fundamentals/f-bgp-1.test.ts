import { describe, expect, it } from 'vitest';
import { fBgp1, type BgpView } from './f-bgp-1.ts';

const up = (peer: string, remoteAs: number) => ({ peer, remoteAs, state: 'Established' });
const ok: BgpView = {
  routers: [
    { router: 'ar1', sessions: [up('2.2.2.2', 123)], kernelRoute: true },
    { router: 'ar2', sessions: [up('1.1.1.1', 123), up('3.3.3.3', 123)], kernelRoute: true },
    { router: 'ar3', sessions: [up('2.2.2.2', 123), up('10.1.34.2', 400)], kernelRoute: true },
  ],
  sent: 2,
  received: 2,
};

describe('F-BGP-1 expect', () => {
  it('holds with every session up and 66.66.66.66/32 on every iBGP router', () => {
    expect(fBgp1.expect(ok)).toEqual([]);
  });
  it('fails without next-hop-self: ar1 and ar2 cannot resolve 10.1.34.2', () => {
    const problems = fBgp1.expect({ ...ok, received: 0, routers: ok.routers.map((r) => (r.router === 'ar3' ? r : { ...r, kernelRoute: false })) });
    expect(problems).toContain('ar2: no kernel route to 66.66.66.66/32 proto bgp (originated in AS 400; ar3 must set next-hop-self towards iBGP)');
    expect(problems).toContain('ar1 (from 1.1.1.1) cannot reach 66.66.66.66 in AS 400: 2 sent, 0 received');
    expect(problems.join('\n')).toMatch(fBgp1.negativeControls[0]!.expectFailure);
  });
  it('fails when the eBGP session is down or missing', () => {
    expect(fBgp1.expect({ ...ok, routers: [ok.routers[0]!, ok.routers[1]!, { router: 'ar3', sessions: [up('2.2.2.2', 123), { peer: '10.1.34.2', state: 'Active' }], kernelRoute: true }] }))
      .toEqual(['ar3: BGP session with 10.1.34.2 (AS 400) is Active, expected Established']);
    expect(fBgp1.expect({ ...ok, routers: [ok.routers[0]!, ok.routers[1]!, { router: 'ar3', sessions: [up('2.2.2.2', 123)], kernelRoute: true }] }))
      .toEqual(['ar3: BGP session with 10.1.34.2 (AS 400) is not configured, expected Established']);
  });
});
