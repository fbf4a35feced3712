import { describe, expect, it } from 'vitest';
import type { ClusterHandle } from '../clusters/types.ts';
import { crossingPackets, pingPace } from './pod-path.ts';

describe('crossingPackets', () => {
  // Two pods per node, every node's first pod pinging every remote pod: what each underlay carries (3 requests + 3 replies a ping).
  const pods = (node: string) => [{ node }, { node }];
  it('counts a node\'s own pings and the other nodes\' pings to its pods', () => {
    const two = [{ node: 'a', remote: pods('b') }, { node: 'b', remote: pods('a') }];
    expect(crossingPackets('a', two)).toBe((2 + 2) * 6);
    expect(crossingPackets('b', two)).toBe((2 + 2) * 6);
  });
  it('leaves out pings between two other nodes', () => {
    const three = [
      { node: 'a', remote: [...pods('b'), ...pods('c')] },
      { node: 'b', remote: [...pods('a'), ...pods('c')] },
      { node: 'c', remote: [...pods('a'), ...pods('b')] },
    ];
    // a: its own 4, b's 2 and c's 2 to a's pods; b -> c and c -> b never cross a.
    expect(crossingPackets('a', three)).toBe((4 + 2 + 2) * 6);
  });
});

describe('pingPace', () => {
  const on = (provider: 'lab' | 'kind' | 'attach') => ({ capabilities: { provider } }) as unknown as ClusterHandle;
  it('lab timescale on the lab only; kind and attach keep their waits', () => {
    expect(pingPace(on('lab'))).toEqual({ interval: '0.01', wait: '0.2', settleMs: 50 });
    expect(pingPace(on('kind'))).toEqual({ interval: '0.2', wait: '1', settleMs: 500 });
    expect(pingPace(on('attach'))).toEqual({ interval: '0.2', wait: '1', settleMs: 500 });
  });
});
