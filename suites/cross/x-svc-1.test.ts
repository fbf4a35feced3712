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

describe('X-SVC-1 negative control waits for the datapath both ways (issue 11 item 10)', () => {
  it('apply returns once no request answers, undo once every request answers again', async () => {
    // The datapath follows a selector change after `lag` requests (as kube-proxy or the CNI's service map catch up).
    const lag = 12;
    let selector = 'probe', sinceChange = 0;
    const answers = async () => {
      sinceChange++;
      const effective = sinceChange > lag ? selector : selector === 'probe' ? 'cni-conformance-nothing' : 'probe';
      return effective === 'probe' ? { stdout: '{"pod":"probe-abcde","client":"10.244.1.5"}', stderr: '', exitCode: 0 } : { stdout: '', stderr: '', exitCode: 28 };
    };
    const pod = { name: 'probe-abcde', namespace: 'cni-conformance', node: 'kind-worker', addresses: [], labels: { app: 'probe' }, exec: answers };
    const node = { name: 'kind-worker', role: 'worker' as const, addresses: ['172.18.0.3'], exec: answers };
    const kube = {
      run: async (argv: string[]) => {
        selector = (JSON.parse(argv.at(-1)!) as { spec: { selector: { app: string } } }).spec.selector.app;
        sinceChange = 0;
        return { stdout: '', stderr: '', exitCode: 0 };
      },
    };
    const cluster = { name: 'c', pods: [pod], nodes: [node], kube } as never;
    const breakage = await xSvc1.negativeControls[0]!.apply(cluster);
    expect(xSvc1.expect((await xSvc1.probe(cluster)).value).join('\n')).toMatch(xSvc1.negativeControls[0]!.expectFailure);
    await breakage.undo();
    expect(xSvc1.expect((await xSvc1.probe(cluster)).value)).toEqual([]);
  }, 30_000);
});
