import { describe, expect, it } from 'vitest';
import { fRt1, type RouterChainView } from './f-rt-1.ts';

const ok: RouterChainView = {
  pings: [{ from: 'h1', to: 'h2', address: '10.1.2.1', sent: 2, received: 2 }, { from: 'h2', to: 'h1', address: '10.1.1.1', sent: 2, received: 2 }],
  hops: [
    { node: 'h1', toward: '10.1.2.1', expectedVia: '10.1.1.254', via: '10.1.1.254', dst: 'default' },
    { node: 'r1', toward: '10.1.2.1', expectedVia: '10.1.12.2', via: '10.1.12.2', dst: '10.1.2.0/24' },
    { node: 'r2', toward: '10.1.1.1', expectedVia: '10.1.12.1', via: '10.1.12.1', dst: '10.1.1.0/24' },
    { node: 'h2', toward: '10.1.1.1', expectedVia: '10.1.2.254', via: '10.1.2.254', dst: 'default' },
  ],
};

describe('F-RT-1 expect', () => {
  it('holds with every hop\'s route and both pings', () => {
    expect(fRt1.expect(ok)).toEqual([]);
  });
  it('fails when r2 lost its return route', () => {
    const control = fRt1.negativeControls.find((c) => c.name.startsWith('r2'))!;
    const problems = fRt1.expect({
      pings: ok.pings.map((p) => ({ ...p, received: 0 })),
      hops: ok.hops.map((h) => (h.node === 'r2' ? { node: 'r2', toward: '10.1.1.1', expectedVia: '10.1.12.1' } : h)),
    });
    expect(problems).toEqual([
      'h1 cannot reach h2 (10.1.2.1): 2 sent, 0 received',
      'h2 cannot reach h1 (10.1.1.1): 2 sent, 0 received',
      'r2 routes 10.1.1.1 nowhere, expected a static route via 10.1.12.1',
    ]);
    expect(problems.join('\n')).toMatch(control.expectFailure);
  });
  it('fails on loss in one direction, with the counts', () => {
    expect(fRt1.expect({ ...ok, pings: [ok.pings[0]!, { ...ok.pings[1]!, received: 1 }] })).toEqual(['h2 reaches h1 (10.1.1.1) with loss: 2 sent, 1 received']);
  });
  it('fails on a route through the wrong hop', () => {
    expect(fRt1.expect({ ...ok, hops: [{ ...ok.hops[1]!, via: '10.1.1.1' }] })).toEqual(['r1 routes 10.1.2.1 by 10.1.2.0/24 via 10.1.1.1, expected a static route via 10.1.12.2']);
  });
});
