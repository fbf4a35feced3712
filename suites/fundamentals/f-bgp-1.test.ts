import { describe, expect, it } from 'vitest';
import { fBgp1, type BgpView } from './f-bgp-1.ts';

const up = (peer: string, remoteAs: number) => ({ peer, remoteAs, state: 'Established' });
const reached = { kernelRoute: true, sent: 3, received: 3 };
const ok: BgpView = {
  routers: [
    { router: 'ar1', sessions: [up('2.2.2.2', 123)], ...reached },
    { router: 'ar2', sessions: [up('1.1.1.1', 123), up('3.3.3.3', 123)], ...reached },
    { router: 'ar3', sessions: [up('2.2.2.2', 123), up('10.1.34.2', 400)], ...reached },
  ],
};
const withRouter = (name: string, change: Partial<BgpView['routers'][number]>): BgpView =>
  ({ routers: ok.routers.map((r) => (r.router === name ? { ...r, ...change } : r)) });

describe('F-BGP-1 expect', () => {
  it('holds with every session up and 66.66.66.66/32 in every iBGP router\'s kernel, reached from every loopback', () => {
    expect(fBgp1.expect(ok)).toEqual([]);
  });
  it('fails without next-hop-self: ar1 and ar2 cannot resolve 10.1.34.2', () => {
    const lost = { kernelRoute: false, received: 0 };
    const problems = fBgp1.expect({ routers: ok.routers.map((r) => (r.router === 'ar3' ? r : { ...r, ...lost })) });
    expect(problems).toContain('ar2: no kernel route to 66.66.66.66/32 proto bgp (originated in AS 400; ar3 must set next-hop-self towards iBGP)');
    expect(problems).toContain('ar1 (from 1.1.1.1) cannot reach 66.66.66.66 in AS 400: 3 sent, 0 received');
    expect(problems.join('\n')).toMatch(fBgp1.negativeControls[0]!.expectFailure);
  });
  it('fails when one router cannot reach the prefix although every session and route is there', () => {
    const problems = fBgp1.expect(withRouter('ar2', { received: 0 }));
    expect(problems).toEqual(['ar2 (from 2.2.2.2) cannot reach 66.66.66.66 in AS 400: 3 sent, 0 received']);
    expect(problems.join('\n')).toMatch(fBgp1.negativeControls[1]!.expectFailure);
  });
  it('fails on loss, naming the counts', () => {
    expect(fBgp1.expect(withRouter('ar3', { received: 2 }))).toEqual(['ar3 (from 3.3.3.3) reaches 66.66.66.66 in AS 400 with loss: 3 sent, 2 received']);
  });
  it('fails when the eBGP session is down or missing', () => {
    expect(fBgp1.expect(withRouter('ar3', { sessions: [up('2.2.2.2', 123), { peer: '10.1.34.2', state: 'Active' }] })))
      .toEqual(['ar3: BGP session with 10.1.34.2 (AS 400) is Active, expected Established']);
    expect(fBgp1.expect(withRouter('ar3', { sessions: [up('2.2.2.2', 123)] })))
      .toEqual(['ar3: BGP session with 10.1.34.2 (AS 400) is not configured, expected Established']);
  });
});
