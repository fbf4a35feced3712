import { describe, expect, it } from 'vitest';
import { kIpip1, type IpipNodeView } from './k-ipip-1.ts';

const a: IpipNodeView = { node: 'node-a', address: '172.30.0.11', tunl0: { kind: 'ipip', up: true }, own: ['10.244.0.0/26'], routes: [{ dst: '10.244.0.64/26', via: '172.30.0.12', dev: 'tunl0', onlink: true }] };
const b: IpipNodeView = { node: 'node-b', address: '172.30.0.12', tunl0: { kind: 'ipip', up: true }, own: ['10.244.0.64/26'], routes: [{ dst: '10.244.0.0/26', via: '172.30.0.11', dev: 'tunl0', onlink: true }] };

describe('K-IPIP-1 expectation', () => {
  it('holds with remote blocks via tunl0 onlink and own blackholes', () => {
    expect(kIpip1.expect([a, b])).toEqual([]);
  });

  it('names the missing tunl0 route, matching the negative control', () => {
    const problems = kIpip1.expect([{ ...a, routes: [] }, b]);
    expect(problems).toEqual(['node node-a: no route to node-b\'s block 10.244.0.64/26, expected 10.244.0.64/26 via 172.30.0.12 dev tunl0 proto bird onlink']);
    expect(problems[0]).toMatch(kIpip1.negativeControls[0]!.expectFailure);
  });

  it('fails without tunl0, as on a kernel without IPIP where blocks route over eth0', () => {
    const { tunl0: _t, ...noTunnel } = a;
    expect(kIpip1.expect([{ ...noTunnel, routes: [{ dst: '10.244.0.64/26', via: '172.30.0.12', dev: 'eth0', onlink: false }] }, b])).toEqual([
      'node node-a: no IPIP device tunl0',
      'node node-a: node-b\'s block is "10.244.0.64/26 via 172.30.0.12 dev eth0", expected 10.244.0.64/26 via 172.30.0.12 dev tunl0 proto bird onlink',
    ]);
  });
});
