import { describe, expect, it } from 'vitest';
import { reflectorsFromSessions } from './bgp-bird.ts';
import { node } from './bgp-fixtures.ts';
import { expectRouteReflectors, kRr1 } from './k-rr-1.ts';

const est = (ip: string, info = 'Established'): [string, string, string] => [`Node_${ip.replace(/\./g, '_')}`, info === 'Established' ? 'up' : 'start', info];
const routes = (own: string, others: Array<[string, string]>) => [`blackhole ${own} proto bird metric 32`, ...others.map(([b, via]) => `${b} via ${via} dev eth0 proto bird metric 32`)].join('\n');
const [A, B, C] = ['172.30.0.11', '172.30.0.12', '172.30.0.13'];
const [bA, bB, bC] = ['10.244.0.0/26', '10.244.0.64/26', '10.244.0.128/26'];
const healthy = [
  node('node-rr', A, [est(B), est(C)], routes(bA, [[bB, B], [bC, C]])),
  node('node-b', B, [est(A)], routes(bB, [[bA, A], [bC, C]])),
  node('node-c', C, [est(A)], routes(bC, [[bA, A], [bB, B]])),
];

describe('K-RR-1 expectation on BIRD observations (lab)', () => {
  it('finds the reflector from its sessions and holds when clients learn every block through it', () => {
    expect(reflectorsFromSessions(healthy)).toEqual(['node-rr']);
    expect(expectRouteReflectors({ reflectors: ['node-rr'], nodes: healthy })).toEqual([]);
  });

  it('fails when the reflector\'s sessions are disabled, matching that negative control', () => {
    const cut = [
      node('node-rr', A, [['Node_172_30_0_12', 'down', ''], ['Node_172_30_0_13', 'down', '']], routes(bA, [])),
      node('node-b', B, [est(A, 'Active')], routes(bB, [])),
      node('node-c', C, [est(A, 'Active')], routes(bC, [])),
    ];
    const problems = expectRouteReflectors({ reflectors: reflectorsFromSessions(cut), nodes: cut });
    expect(problems).toContain('client node-b: peer 172.30.0.11 is start/Active, expected Established');
    expect(problems).toContain('node node-b: no route to node-c\'s block 10.244.0.128/26 (expected via 172.30.0.13 proto bird)');
    expect(problems.join('\n')).toMatch(kRr1.negativeControls[1]!.expectFailure);
  });

  it('fails on a full mesh, matching the mesh-on negative control', () => {
    const m = (ip: string) => [`Mesh_${ip.replace(/\./g, '_')}`, 'up', 'Established'] as [string, string, string];
    const meshed = [healthy[0]!, node('node-b', B, [est(A), m(C)], routes(bB, [[bA, A], [bC, C]])), node('node-c', C, [est(A), m(B)], routes(bC, [[bA, A], [bB, B]]))];
    const problems = expectRouteReflectors({ reflectors: reflectorsFromSessions(meshed), nodes: meshed });
    expect(problems.join('\n')).toMatch(kRr1.negativeControls[0]!.expectFailure);
  });
});
