import { describe, expect, it } from 'vitest';
import { fHg1, type HostGwView } from './f-hg-1.ts';

const ok: HostGwView = { route: { dst: '10.244.2.0/24', via: '192.168.2.62' }, sent: 2, received: 2, sources: ['10.244.1.2'] };

describe('F-HG-1 expect', () => {
  it('holds when the route is via host-b and pod-b sees pod-a\'s address', () => {
    expect(fHg1.expect(ok)).toEqual([]);
  });
  it('fails under SNAT: pod-b sees host-a\'s address', () => {
    expect(fHg1.expect({ ...ok, sources: ['192.168.2.61'] })).toEqual([
      "pod-b saw source 192.168.2.61, expected pod-a's own 10.244.1.2 (SNAT on the way: check iptables -t nat -S POSTROUTING on host-a)",
    ]);
  });
  it('fails without the route via host-b', () => {
    const problems = fHg1.expect({ sent: 2, received: 0, sources: [] });
    expect(problems[0]).toMatch(/host-a routes 10\.244\.2\.2 nowhere, expected via host-b's 192\.168\.2\.62/);
    expect(problems).toContain('pod-a (10.244.1.2) cannot reach pod-b (10.244.2.2): 2 sent, 0 received');
    expect(problems).toContain('pod-b captured no echo request to 10.244.2.2');
  });
});
