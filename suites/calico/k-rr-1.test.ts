import { describe, expect, it } from 'vitest';
import { RR_LABEL as PROFILE_RR_LABEL } from '../../clusters/profiles/lab/cni/common.ts';
import { calicoBgpRrLab } from '../../clusters/profiles/lab/cni/calico-bgp-rr.ts';
import { labelledReflectors } from '../../clusters/lab/datapaths/calico-bgp.ts';
import { parseBirdProtocolsAll } from '../../helpers/parsers/birdc-protocols-all.ts';
import { fixture } from '../../helpers/parsers/fixture.ts';
import { captured, node } from './bgp-fixtures.ts';
import { expectRouteReflectors, kRr1, RR_LABEL } from './k-rr-1.ts';

const est = (ip: string, info = 'Established'): [string, string, string] => [`Node_${ip.replace(/\./g, '_')}`, info === 'Established' ? 'up' : 'start', info];
const routes = (own: string, others: Array<[string, string]>) => [`blackhole ${own} proto bird`, ...others.map(([b, via]) => `${b} via ${via} dev eth0 proto bird`)].join('\n');
const [A, B, C] = ['172.30.0.11', '172.30.0.12', '172.30.0.13'];
const [bA, bB, bC] = ['10.244.0.0/26', '10.244.0.64/26', '10.244.0.128/26'];
const control = (name: RegExp) => kRr1.negativeControls.find((c) => name.test(c.name))!.expectFailure;

describe('K-RR-1 reflectors are the nodes the profile makes reflectors', () => {
  it('reads the route-reflector label of the lab profile, the label kind\'s BGPPeer selectors use', () => {
    expect(PROFILE_RR_LABEL).toBe(RR_LABEL);
    expect(labelledReflectors(calicoBgpRrLab.nodes, RR_LABEL)).toEqual(['node-rr']);
  });
});

/** node-rr's sessions as the probe reads them from `birdcl show protocols all` (real lab output). */
const sessionsOf = (name: string) => ({ 'node-rr': parseBirdProtocolsAll(fixture('birdc-protocols-all', name)).protocols.filter((p) => p.proto === 'BGP')
  .map((p) => ({ name: p.name, neighbor: p.details['Neighbor address']!, flags: p.details['Session'] ?? '' })) });

describe('K-RR-1 expectation on BIRD 1.6.8 output captured on the lab', () => {
  it('holds on the healthy reflector (its client sessions route-reflector) and clients', () => {
    expect(expectRouteReflectors({ reflectors: ['node-rr'], nodes: captured('healthy'), sessions: sessionsOf('lab-1.6.8-reflector.txt') })).toEqual([]);
  });

  it('fails when the labelled reflector has no cluster ID, so BIRD does not reflect on its sessions', () => {
    const problems = expectRouteReflectors({ reflectors: ['node-rr'], nodes: captured('healthy'), sessions: sessionsOf('lab-1.6.8-reflector-without-rr-client.txt') });
    expect(problems).toEqual([
      'reflector node-rr: session Node_172_30_0_12 with client node-b is no route-reflector session (BIRD Session: internal multihop AS4 add-path-rx add-path-tx): the node labelled route-reflector=true does not reflect (no cluster ID)',
      'reflector node-rr: session Node_172_30_0_13 with client node-c is no route-reflector session (BIRD Session: internal multihop AS4 add-path-rx add-path-tx): the node labelled route-reflector=true does not reflect (no cluster ID)',
    ]);
    expect(problems.join('\n')).toMatch(control(/without its cluster ID/));
  });

  it('fails when clients also peer with each other, naming the session and the block learnt twice (the kernel alone looks healthy)', () => {
    const problems = expectRouteReflectors({ reflectors: ['node-rr'], nodes: captured('client-session') });
    expect(problems).toEqual([
      'client node-b: node specific session with node-c (172.30.0.13), which is no reflector: clients peer only with node-rr',
      'client node-c: node specific session with node-b (172.30.0.12), which is no reflector: clients peer only with node-rr',
      'node node-c: node-b\'s block 10.244.0.64/26 learnt 2 times (Node_172_30_0_12, Node_172_30_0_11 from 172.30.0.11), expected once',
      'node node-b: node-c\'s block 10.244.0.128/26 learnt 2 times (Node_172_30_0_13, Node_172_30_0_11 from 172.30.0.11), expected once',
    ]);
    expect(problems.join('\n')).toMatch(control(/clients peer with each other/));
  });

  it('fails when a node announces a prefix inside another node\'s block, on every node that routes it', () => {
    const problems = expectRouteReflectors({ reflectors: ['node-rr'], nodes: captured('announce') });
    expect(problems).toContain('node node-rr: BIRD holds 10.244.0.96/27 from kernel1, inside node-b\'s block 10.244.0.64/26, and would export it: a node originates only its own blocks');
    expect(problems).toContain('node node-c: routes 10.244.0.96/27 via 172.30.0.11 (node-rr), inside node-b\'s block 10.244.0.64/26: a node originates only its own blocks');
    expect(problems.join('\n')).toMatch(control(/announces a prefix/));
  });

  it('does not take the sessions for the profile: with clients meshed, the labelled reflector stays the only one', () => {
    const problems = expectRouteReflectors({ reflectors: ['node-rr'], nodes: captured('client-session') });
    expect(problems.some((p) => /client node-b/.test(p))).toBe(true);
  });
});

describe('K-RR-1 expectation on protocol rows (sessions)', () => {
  const healthy = [
    node('node-rr', A, [est(B), est(C)], routes(bA, [[bB, B], [bC, C]])),
    node('node-b', B, [est(A)], routes(bB, [[bA, A], [bC, C]])),
    node('node-c', C, [est(A)], routes(bC, [[bA, A], [bB, B]])),
  ];
  it('holds when clients learn every block through the reflector', () => {
    expect(expectRouteReflectors({ reflectors: ['node-rr'], nodes: healthy })).toEqual([]);
  });

  it('fails when the reflector\'s sessions are disabled, matching that negative control', () => {
    const cut = [
      node('node-rr', A, [['Node_172_30_0_12', 'down', ''], ['Node_172_30_0_13', 'down', '']], routes(bA, [])),
      node('node-b', B, [est(A, 'Active')], routes(bB, [])),
      node('node-c', C, [est(A, 'Active')], routes(bC, [])),
    ];
    const problems = expectRouteReflectors({ reflectors: ['node-rr'], nodes: cut });
    expect(problems).toContain('client node-b: peer 172.30.0.11 is start/Active, expected Established');
    expect(problems).toContain('node node-b: no route to node-c\'s block 10.244.0.128/26 (expected via 172.30.0.13 proto bird)');
    expect(problems.join('\n')).toMatch(control(/every BGP session of the route reflector/));
  });

  it('fails on a full mesh, matching the mesh-on negative control', () => {
    const m = (ip: string) => [`Mesh_${ip.replace(/\./g, '_')}`, 'up', 'Established'] as [string, string, string];
    const meshed = [healthy[0]!, node('node-b', B, [est(A), m(C)], routes(bB, [[bA, A], [bC, C]])), node('node-c', C, [est(A), m(B)], routes(bC, [[bA, A], [bB, B]]))];
    const problems = expectRouteReflectors({ reflectors: ['node-rr'], nodes: meshed });
    expect(problems.join('\n')).toMatch(control(/mesh turned back on/));
    expect(problems).toContain('client node-b: node-to-node mesh session with node-c (172.30.0.13), which is no reflector: clients peer only with node-rr');
  });

  it('fails when no node is labelled a reflector and when the reflector lacks a client session', () => {
    expect(expectRouteReflectors({ reflectors: [], nodes: healthy })[0]).toBe('no node labelled route-reflector=true');
    const lonely = [node('node-rr', A, [est(B)], routes(bA, [[bB, B], [bC, C]])), healthy[1]!, healthy[2]!];
    expect(expectRouteReflectors({ reflectors: ['node-rr'], nodes: lonely })).toContain('reflector node-rr: no BGP session with client node-c (172.30.0.13)');
  });
});
