import { describe, expect, it } from 'vitest';
import { xPod1, type PodReachability } from './x-pod-1.ts';

const pair = (sameNode: boolean, received: number): PodReachability => ({
  from: 'pod-a1', fromNode: 'node-a', to: sameNode ? 'pod-a2' : 'pod-b1', toAddress: sameNode ? '10.244.0.11' : '10.244.0.74',
  toNode: sameNode ? 'node-a' : 'node-b', sameNode, sent: 2, received,
});

describe('X-POD-1 expectation', () => {
  it('holds when same-node and cross-node pairs answer', () => {
    expect(xPod1.expect([pair(true, 2), pair(false, 1)])).toEqual([]);
  });

  it('names the pair that cannot reach, matching its negative control', () => {
    const problems = xPod1.expect([pair(true, 2), pair(false, 0)]);
    expect(problems).toEqual(['pod-a1 on node-a cannot reach pod-b1 (10.244.0.74) on node-b: 2 sent, 0 received']);
    expect(problems[0]).toMatch(xPod1.negativeControls[0]!.expectFailure);
  });

  it('refuses to pass when the cluster cannot show cross-node traffic', () => {
    expect(xPod1.expect([pair(true, 2)])).toEqual(['all pods are on one node: cross-node traffic cannot be checked']);
  });
});
