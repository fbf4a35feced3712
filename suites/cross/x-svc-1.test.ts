import { describe, expect, it } from 'vitest';
import { xSvc1, type ServiceReplies } from './x-svc-1.ts';

const path = (p: ServiceReplies['path'], answered: number): ServiceReplies => ({
  path: p, from: p.startsWith('ClusterIP') ? 'probe-abcde' : 'kind-worker', url: p.startsWith('ClusterIP') ? 'http://probe.cni-conformance.svc.cluster.local/' : 'http://172.18.0.3:30080/',
  answered, sent: 5, backends: answered ? ['probe-abcde'] : [],
});

describe('X-SVC-1 expectation', () => {
  it('holds when every request is answered on both paths', () => {
    expect(xSvc1.expect([path('ClusterIP from a pod', 5), path('NodePort from a node', 5)])).toEqual([]);
  });

  it('fails on a single unanswered request, naming the path', () => {
    expect(xSvc1.expect([path('ClusterIP from a pod', 4), path('NodePort from a node', 5)])).toEqual([
      'ClusterIP from a pod (probe-abcde -> http://probe.cni-conformance.svc.cluster.local/): 4 of 5 requests answered',
    ]);
  });

  it('produces the message its negative control expects when no pod backs the services', () => {
    const problems = xSvc1.expect([path('ClusterIP from a pod', 0), path('NodePort from a node', 0)]);
    expect(problems.join('\n')).toMatch(xSvc1.negativeControls[0]!.expectFailure);
  });

  it('is skipped, not passed, on the lab: it needs Kubernetes services', () => {
    const lab = { provider: 'lab' as const, cni: 'calico' as const, features: [], kernel: { ipip: false, vxlan: true }, versions: {} };
    expect(xSvc1.requires.every((r) => r.met(lab))).toBe(false);
  });
});
