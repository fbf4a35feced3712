import { describe, expect, it } from 'vitest';
import { getProfile } from '../../clusters/profiles/index.ts';
import type { KindProfile } from '../../clusters/kind/types.ts';
import type { LabProfile } from '../../clusters/lab/types.ts';
import type { ExecResult, NodeHandle } from '../../clusters/types.ts';
import { fixture } from '../../helpers/parsers/fixture.ts';
import { kindTopology, labTopology } from './from-profile.ts';
import { nodeFacts, withLiveFacts, type NodeFacts } from './live.ts';
import { topologyGraph, topologySvg } from './render.ts';

describe('plan topology', () => {
  it("draws a lab profile's own nodes, links with both ends' addresses, switch segments and pods on their nodes", () => {
    const profile = getProfile('lab/calico-bgp-rr') as LabProfile;
    const t = labTopology(profile);
    expect(t.nodes.filter((n) => n.kind !== 'pod' && n.kind !== 'switch').map((n) => n.id)).toEqual(profile.nodes.map((n) => n.name));
    expect(t.nodes.filter((n) => n.kind === 'pod').map((n) => [n.id, n.parent, n.lines[0]])).toEqual(profile.pods.map((p) => [p.name, p.node, p.address]));
    const segment = profile.links.find((l) => l.kind === 'segment')!;
    expect(segment.kind === 'segment' && t.edges.filter((e) => e.to === `segment ${segment.name}`).map((e) => e.fromLabel)).toEqual(
      segment.kind === 'segment' && segment.members.map((m) => `${m.iface}\n${m.address}`),
    );
  });

  it('names kind nodes as kind does (<cluster>-control-plane, -worker, -worker2) for every cluster of the profile', () => {
    const profile = getProfile('kind/cilium-clustermesh') as KindProfile;
    const t = kindTopology(profile, 'abc123');
    const want = profile.clusters.flatMap((c) => {
      const seen: Record<string, number> = {};
      return c.nodes.map((n) => { seen[n.role] = (seen[n.role] ?? 0) + 1; return `cnc-abc123-${c.suffix}-${n.role}${seen[n.role]! > 1 ? seen[n.role] : ''}`; });
    });
    expect(t.nodes.filter((n) => n.kind === 'node').map((n) => n.id)).toEqual(want);
    expect(want.some((n) => n.endsWith('-worker2')) || profile.clusters.every((c) => c.nodes.filter((n) => n.role === 'worker').length < 2)).toBe(true);
    expect(t.edges.every((e) => e.to === 'docker network kind')).toBe(true);
  });
});

const facts = (node: string, extra: Partial<NodeFacts>): NodeFacts => ({ node, addresses: [], tunnels: [], bgp: [], notes: [], ...extra });

describe('live topology', () => {
  it('reads VTEPs from `ip -d link` and BGP sessions from BIRD (real upstream outputs)', async () => {
    const outputs: Record<string, string> = {
      'ip -d link show': fixture('iproute2', 'flannel-1757-ip-d-link.txt'),
      [`birdcl -s`]: fixture('birdc-protocols', 'bird-1.5.0-calico-socket.txt'),
    };
    const node: NodeHandle = {
      name: 'node-a', role: 'worker', addresses: [],
      exec: async (argv): Promise<ExecResult> => {
        const key = Object.keys(outputs).find((k) => argv.join(' ').startsWith(k));
        return key ? { exitCode: 0, stdout: outputs[key]!, stderr: '' } : { exitCode: 127, stdout: '', stderr: `${argv[0]}: not found` };
      },
    };
    const f = await nodeFacts(node);
    expect(f.tunnels).toEqual([{ name: 'flannel.1', kind: 'vxlan', vni: 1, local: '10.0.0.1', dstport: 8472, state: 'UNKNOWN' }]);
    expect(f.bgp).toEqual([{ peer: '10.161.1.1', state: 'Established', daemon: 'bird' }]);
    expect(f.notes).toEqual([]);
  });

  it('adds addresses, pods, VTEP lines, tunnels to the owner of the remote address and each BGP session once with both states', () => {
    const plan = labTopology(getProfile('lab/calico-bgp-rr') as LabProfile);
    const t = withLiveFacts(plan, { pods: [{ name: 'extra', namespace: 'default', node: 'node-b', addresses: ['10.244.0.99'], labels: {}, exec: async () => ({ exitCode: 0, stdout: '', stderr: '' }) }] }, [
      facts('node-rr', { addresses: [{ iface: 'eth0', cidr: '172.30.0.11/24' }, { iface: 'lo', cidr: '10.9.9.9/32' }], bgp: [{ peer: '172.30.0.12', state: 'Established', daemon: 'bird' }], tunnels: [{ name: 'gre1', kind: 'gre', remote: '172.30.0.12' }] }),
      facts('node-b', { addresses: [{ iface: 'eth0', cidr: '172.30.0.12/24' }], bgp: [{ peer: '172.30.0.11', state: 'Active', daemon: 'bird' }], tunnels: [{ name: 'vxlan.calico', kind: 'vxlan', vni: 4096, local: '172.30.0.12', dstport: 4789 }] }),
      facts('node-c', { addresses: [{ iface: 'eth0', cidr: '172.30.0.13/24' }], tunnels: [{ name: 'vxlan.calico', kind: 'vxlan', vni: 4096 }], bgp: [{ peer: '192.0.2.1', state: 'Connect', daemon: 'bird' }] }),
    ]);
    const bgp = t.edges.filter((e) => e.kind === 'bgp');
    expect(bgp).toEqual([
      { from: 'node-rr', to: 'node-b', kind: 'bgp', label: 'BGP bird Established / Active', state: 'Active' },
      { from: 'node-c', to: '192.0.2.1', kind: 'bgp', label: 'BGP bird Connect', state: 'Connect' },
    ]);
    expect(t.nodes.find((n) => n.id === '192.0.2.1')?.lines).toEqual(['BGP peer (not a node)']);
    expect(t.edges.filter((e) => e.kind === 'tunnel')).toEqual([
      { from: 'node-rr', to: 'node-b', kind: 'tunnel', label: 'gre' },
      { from: 'node-b', to: 'node-c', kind: 'tunnel', label: 'vxlan 4096' },
    ]);
    // The plan already shows eth0's address on the link; the live-only loopback is added to the node.
    expect(t.nodes.find((n) => n.id === 'node-rr')?.lines).toEqual(['lo 10.9.9.9/32', 'VTEP gre1 gre']);
    expect(t.nodes.find((n) => n.id === 'node-b')?.lines).toEqual(['VTEP vxlan.calico vxlan vni 4096 local 172.30.0.12 :4789']);
    expect(t.nodes.find((n) => n.id === 'extra')).toEqual({ id: 'extra', kind: 'pod', lines: ['default', '10.244.0.99'], parent: 'node-b' });
    expect(t.source).toMatch(/^plan \+ live/);
  });
});

describe('rendering', () => {
  it('lays the graph out with Graphviz: pods inside their node, a session that is down in red', async () => {
    const plan = labTopology(getProfile('lab/calico-bgp-rr') as LabProfile);
    const t = withLiveFacts(plan, { pods: [] }, [facts('node-b', { bgp: [{ peer: 'node-c', state: 'Idle', daemon: 'frr' }] })]);
    const graph = topologyGraph(t);
    expect(graph.subgraphs?.find((s) => s.name === 'cluster_node-b')?.nodes?.map((n) => n.name)).toEqual(['node-b', 'pod-b1', 'pod-b2']);
    expect(graph.edges?.find((e) => e.attributes?.label === 'BGP frr Idle')?.attributes?.color).toBe('#dc2626');
    const svg = await topologySvg(t);
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*node&#45;b[\s\S]*BGP frr Idle[\s\S]*<\/svg>\s*$/);
    expect(svg).toContain('stroke="#dc2626"');
  });
});
