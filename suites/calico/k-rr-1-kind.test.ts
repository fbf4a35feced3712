import { describe, expect, it } from 'vitest';
import type { ClusterHandle, KubeActions, NodeHandle, PodHandle } from '../../clusters/types.ts';
import { birdShow } from './bgp-fixtures.ts';
import { nodeStatuses } from './bgp.ts';
import { meshOnInKind } from './k-rr-1-kind.ts';

const meshCounts = async (cluster: ClusterHandle) => (await nodeStatuses(cluster)).value.map((n) => n.status.ipv4Peers.filter((p) => p.type === 'node-to-node mesh').length);

/** Three kind nodes whose BIRD (birdcl in calico-node) follows nodeToNodeMeshEnabled after `lag` reads, as confd re-renders. */
function rrCluster(lag: number): { cluster: ClusterHandle; calls: string[] } {
  const calls: string[] = [];
  const ips = { cp: '172.18.0.2', w1: '172.18.0.3', w2: '172.18.0.4' } as const;
  let mesh = false, reads = 0;
  const bird = (node: keyof typeof ips) => {
    const seen = ++reads > lag ? mesh : !mesh;
    const peers = Object.entries(ips).filter(([n]) => n !== node);
    const rows: Array<[string, string, string]> = seen
      ? peers.map(([, ip]) => [`Mesh_${ip.replace(/\./g, '_')}`, 'up', 'Established'])
      : node === 'w1' ? peers.map(([, ip]) => [`Node_${ip.replace(/\./g, '_')}`, 'up', 'Established']) : [['Node_172_18_0_3', 'up', 'Established']];
    return birdShow(rows);
  };
  const pod = (node: keyof typeof ips): PodHandle => ({ name: `calico-node-${node}`, namespace: 'calico-system', node, addresses: [], labels: {}, exec: async () => ({ stdout: bird(node), stderr: '', exitCode: 0 }) });
  const nodes: NodeHandle[] = (Object.keys(ips) as Array<keyof typeof ips>).map((n) => ({ name: n, role: 'worker', addresses: [ips[n]], exec: async () => ({ stdout: '', stderr: '', exitCode: 0 }) }));
  const kube = {
    context: 'kind-rr', workdir: '/tmp',
    pods: async (ns: string) => (ns === 'calico-system' ? (Object.keys(ips) as Array<keyof typeof ips>).map(pod) : []),
    run: async (argv: string[]) => {
      calls.push(argv.join(' '));
      mesh = (JSON.parse(argv.at(-1)!) as { spec: { nodeToNodeMeshEnabled: boolean } }).spec.nodeToNodeMeshEnabled;
      reads = 0;
      return { stdout: '', stderr: '', exitCode: 0 };
    },
  } as unknown as KubeActions;
  return { cluster: { name: 'rr', nodes, kube, capabilities: { provider: 'kind' } } as unknown as ClusterHandle, calls };
}

describe('K-RR-1 "mesh back on" on kind waits for BIRD (issue 11 item 10)', () => {
  it('apply returns once every node has Mesh_ protocols, undo once none has', async () => {
    const { cluster, calls } = rrCluster(7);
    const breakage = await meshOnInKind(cluster, 5_000, 1);
    expect(calls).toEqual(['calicoctl patch bgpconfiguration default -p {"spec":{"nodeToNodeMeshEnabled":true}}']);
    expect(await meshCounts(cluster)).toEqual([2, 2, 2]);
    await breakage.undo();
    expect(await meshCounts(cluster)).toEqual([0, 0, 0]);
    expect(calls.at(-1)).toBe('calicoctl patch bgpconfiguration default -p {"spec":{"nodeToNodeMeshEnabled":false}}');
  });
  it('names what it awaited when confd never re-renders', async () => {
    await expect(meshOnInKind(rrCluster(1_000_000).cluster, 30, 1)).rejects.toThrow(/Mesh_ protocols in BIRD on every node .*not done/);
  });
});
