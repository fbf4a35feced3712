import { describe, it, expect } from 'vitest';
import { parseCalicoNodeStatus } from '../../helpers/parsers/calicoctl-node-status.ts';
import { parseIpamCheck } from '../../helpers/parsers/calicoctl-ipam-check.ts';
import { fixture } from '../../helpers/parsers/fixture.ts';
import type { NodeBgp } from './bgp.ts';
import { expectFullMesh } from './k-bgp-1.ts';
import { expectRouteReflectors } from './k-rr-1.ts';
import { expectPoolMigration, inCidr } from './k-pool-1.ts';
import { expectFixedIp } from './k-ipam-1.ts';
import { expectVppUplink } from './k-vpp-1.ts';

const bgp = (node: string, name: string): NodeBgp => ({ node, status: parseCalicoNodeStatus(fixture('calicoctl-node-status', name)) });

describe('K-BGP-1 expectation', () => {
  it('holds for a 2-node mesh (docs sample: one Established mesh peer)', () => {
    expect(expectFullMesh([bgp('a', 'docs-3.32-mesh.txt'), bgp('b', 'docs-3.32-mesh.txt')])).toEqual([]);
  });
  it('fails on peers stuck in start/Passive and on BIRD not running', () => {
    const nodes = [bgp('master1', 'mesh-start-passive.txt'), ...['2', '3', '4', '5', '6', '7'].map((i) => bgp(`n${i}`, 'docs-3.32-mesh.txt'))];
    const problems = expectFullMesh(nodes);
    expect(problems).toContain('node master1: mesh peer 172.16.3.2 is start/Passive, expected up/Established');
    expect(problems).toContain('node n2: 1 node-to-node mesh peers, expected 6 (one per other node)');
    expect(expectFullMesh([bgp('vx1', 'bird-not-running.txt'), bgp('vx2', 'bird-not-running.txt')])[0])
      .toBe('node vx1: BIRD is not running; BGP needs calico_backend: bird');
  });
});

describe('K-RR-1 expectation', () => {
  it('holds for a client with node specific peers to 4 reflectors', () => {
    expect(expectRouteReflectors({ reflectors: ['rr1', 'rr2', 'rr3', 'rr4'], nodes: [bgp('client', 'v3.16.1-node-specific.txt')] })).toEqual([]);
  });
  it('fails when the client still has mesh peers', () => {
    expect(expectRouteReflectors({ reflectors: ['rr1'], nodes: [bgp('client', 'docs-3.32-mesh.txt')] })).toEqual([
      'node client: 1 node-to-node mesh peers, expected none (BGPConfiguration default nodeToNodeMeshEnabled: false)',
      'client client: 0 node specific peers, expected 1 (one per reflector)',
    ]);
  });
});

describe('K-POOL-1 expectation (typed pools; pool JSON comes from the live API)', () => {
  const pools = [
    { name: 'default-ipv4-ippool', cidr: '10.244.0.0/16', blockSize: 26, disabled: true },
    { name: 'new-pool', cidr: '10.250.0.0/16', blockSize: 26, disabled: false },
  ];
  it('holds when pods come from the new pool', () => {
    expect(inCidr('10.250.3.7', '10.250.0.0/16')).toBe(true);
    expect(expectPoolMigration({ pools, pods: [{ name: 'p', ip: '10.250.3.7' }] })).toEqual([]);
  });
  it('fails when a pod comes from the disabled pool', () => {
    expect(expectPoolMigration({ pools, pods: [{ name: 'p', ip: '10.244.1.5' }] }))
      .toEqual(['pod p address 10.244.1.5 comes from disabled IPPool default-ipv4-ippool (10.244.0.0/16)']);
  });
});

describe('K-IPAM-1 expectation', () => {
  const base = { pod: 'fixed-ip', requested: ['10.244.1.10'], actual: ['10.244.1.10'] };
  it('fails on the real check that found 63164 problems', () => {
    expect(expectFixedIp({ ...base, ipamCheck: parseIpamCheck(fixture('calicoctl-ipam-check', 'v3.29-problems-tail.txt')) }))
      .toEqual(['calicoctl ipam check found 63164 problems, expected 0; see the report and "calicoctl ipam release --from-report"']);
  });
  it('fails on the clean but unfinished run', () => {
    expect(expectFixedIp({ ...base, ipamCheck: parseIpamCheck(fixture('calicoctl-ipam-check', 'v3.24-clean-truncated.txt')) }))
      .toEqual(['calicoctl ipam check did not finish ("Check complete" line missing)']);
  });
  it('holds with the requested address and 0 problems (typed: no complete real clean run was found)', () => {
    expect(expectFixedIp({ ...base, ipamCheck: { problems: 0 } })).toEqual([]);
    expect(expectFixedIp({ ...base, actual: ['10.244.1.77'], ipamCheck: { problems: 0 } }))
      .toEqual(['pod fixed-ip: requested 10.244.1.10 via cni.projectcalico.org/ipAddrs, got 10.244.1.77']);
  });
});

describe('K-VPP-1 expectation (typed values: no real ethtool/vppctl sample stored)', () => {
  it('holds on tun/tap with host-eth0 and tap0, fails on a veth uplink', () => {
    expect(expectVppUplink({ nodes: [{ node: 'w', driver: 'tun', busInfo: 'tap', vppInterfaces: ['host-eth0', 'local0', 'tap0'] }] })).toEqual([]);
    expect(expectVppUplink({ nodes: [{ node: 'w', driver: 'veth', busInfo: '', vppInterfaces: [] }] })).toEqual([
      'node w: eth0 driver veth bus-info (none), expected tun/tap (VPP owns the uplink)',
      'node w: VPP has no interface host-eth0 (has none)',
      'node w: VPP has no interface tap0 (has none)',
    ]);
  });
});
