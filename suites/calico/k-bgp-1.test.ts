import { describe, expect, it } from 'vitest';
import { captured, node } from './bgp-fixtures.ts';
import { kBgp1 } from './k-bgp-1.ts';

const up = (ip: string): [string, string, string] => [`Mesh_${ip.replace(/\./g, '_')}`, 'up', 'Established'];
const mesh = [
  node('node-a', '172.30.0.11', [up('172.30.0.12')], 'blackhole 10.244.0.0/26 proto bird metric 32\n10.244.0.64/26 via 172.30.0.12 dev eth0 proto bird metric 32'),
  node('node-b', '172.30.0.12', [up('172.30.0.11')], 'blackhole 10.244.0.64/26 proto bird metric 32\n10.244.0.0/26 via 172.30.0.11 dev eth0 proto bird metric 32'),
];

describe('K-BGP-1 expectation on BIRD observations (lab)', () => {
  it('holds with every Mesh_ session Established and every remote block routed', () => {
    expect(mesh[0]!.status.ipv4Peers).toEqual([{ address: '172.30.0.12', type: 'node-to-node mesh', state: 'up', since: '08:51:06', info: 'Established' }]);
    expect(kBgp1.expect(mesh)).toEqual([]);
  });

  it('fails on a disabled session, matching the negative control', () => {
    const broken = [node('node-a', '172.30.0.11', [['Mesh_172_30_0_12', 'down', '']], 'blackhole 10.244.0.0/26 proto bird'), mesh[1]!];
    const problems = kBgp1.expect(broken);
    expect(problems).toContain('node node-a: mesh peer 172.30.0.12 is down/, expected up/Established');
    expect(problems).toContain('node node-a: no route to node-b\'s block 10.244.0.64/26 (expected via 172.30.0.12 proto bird)');
    expect(problems.join('\n')).toMatch(kBgp1.negativeControls[0]!.expectFailure);
  });

  it('fails when a block is routed elsewhere or not advertised', () => {
    const wrong = [node('node-a', '172.30.0.11', [up('172.30.0.12')], 'blackhole 10.244.0.0/26 proto bird\n10.244.0.64/26 via 172.30.0.99 dev eth0 proto bird'), node('node-b', '172.30.0.12', [up('172.30.0.11')], '10.244.0.0/26 via 172.30.0.11 dev eth0 proto bird')];
    expect(kBgp1.expect(wrong)).toEqual(['node node-b: no "blackhole <block> proto bird" route, so it advertises no block']);
    const elsewhere = [wrong[0]!, mesh[1]!];
    expect(kBgp1.expect(elsewhere)).toEqual(['node node-a: node-b\'s block 10.244.0.64/26 routed via 172.30.0.99, expected via 172.30.0.12']);
  });

  it('holds on the mesh captured on the lab (BIRD 1.6.8): each block learnt once, from its owner', () => {
    expect(kBgp1.expect(captured('healthy', 'lab-mesh'))).toEqual([]);
  });

  it('fails when a node announces a prefix inside another node\'s block, matching that negative control', () => {
    const problems = kBgp1.expect(captured('announce', 'lab-mesh'));
    expect(problems).toEqual([
      'node node-a: BIRD holds 10.244.0.96/27 from kernel1, inside node-b\'s block 10.244.0.64/26, and would export it: a node originates only its own blocks',
      'node node-b: routes 10.244.0.96/27 via 172.30.0.11 (node-a), inside node-b\'s block 10.244.0.64/26: a node originates only its own blocks',
      'node node-c: routes 10.244.0.96/27 via 172.30.0.11 (node-a), inside node-b\'s block 10.244.0.64/26: a node originates only its own blocks',
    ]);
    expect(problems.join('\n')).toMatch(kBgp1.negativeControls[1]!.expectFailure);
  });

  it('fails when a block is learnt twice (an extra session beside the mesh) and when a blackhole overlaps another block', () => {
    const [a, b, c] = captured('healthy', 'lab-mesh');
    const extra = { ...a!.table!.find((r) => r.prefix === '10.244.0.64/26')!, protocol: 'Node_172_30_0_12', primary: false };
    const twice = { ...a!, table: [...a!.table!, extra] };
    expect(kBgp1.expect([twice, b!, c!])).toEqual(['node node-a: node-b\'s block 10.244.0.64/26 learnt 2 times (Mesh_172_30_0_12, Node_172_30_0_12), expected once']);
    const wide = { ...c!, blocks: { ...c!.blocks!, own: [...c!.blocks!.own, '10.244.0.0/25'] } };
    expect(kBgp1.expect([a!, b!, wide])).toContain('node node-c: originates 10.244.0.0/25, which overlaps node-a\'s block 10.244.0.0/26');
  });
});
