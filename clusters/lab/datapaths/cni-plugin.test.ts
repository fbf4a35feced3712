import { describe, expect, it } from 'vitest';
import type { LabNode, LabPodSpec } from '../types.ts';
import { inProfileOrder, podAddressOf } from './cni-plugin.ts';

describe('podAddressOf', () => {
  it('reads the IPv4 address of a bridge/host-local 0.3.1 result', () => {
    const result = { cniVersion: '0.3.1', ips: [{ address: '10.244.1.2/24', gateway: '10.244.1.1', interface: 2 }] };
    expect(podAddressOf(result, 'pod-b1')).toBe('10.244.1.2');
  });
  it('throws naming the pod when the result has no address', () => {
    expect(() => podAddressOf({ cniVersion: '0.3.1' }, 'pod-b1')).toThrow(/pod pod-b1: result has no IPv4 address/);
  });
});

describe('inProfileOrder', () => {
  it('runs a node\'s pods in profile order whatever order they arrive in', async () => {
    const node = { name: 'node-a' } as LabNode;
    const pods: LabPodSpec[] = ['p1', 'p2', 'p3'].map((name) => ({ name, node: 'node-a', address: '10.0.0.1' }));
    const order = inProfileOrder();
    const ran: string[] = [];
    await Promise.all([...pods].reverse().map((pod) => order(pods, pod, node, async () => { ran.push(pod.name); })));
    expect(ran).toEqual(['p1', 'p2', 'p3']);
  });
  it('fails the later pods when an earlier one fails', async () => {
    const node = { name: 'node-a' } as LabNode;
    const pods: LabPodSpec[] = ['p1', 'p2'].map((name) => ({ name, node: 'node-a', address: '10.0.0.1' }));
    const order = inProfileOrder();
    const results = await Promise.allSettled(pods.map((pod) => order(pods, pod, node, async () => { if (pod.name === 'p1') throw new Error('p1 failed'); })));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
