import { describe, expect, it } from 'vitest';
import type { ClusterHandle, KubeActions, NodeHandle, PodHandle } from '../../clusters/types.ts';
import { birdShow } from './bgp-fixtures.ts';
import { nodeStatuses } from './bgp.ts';
import { meshOnInKind } from './k-rr-1-kind.ts';

const meshCounts = async (cluster: ClusterHandle) => (await nodeStatuses(cluster)).value.map((n) => n.status.ipv4Peers.filter((p) => p.type === 'node-to-node mesh').length);

/**
 * Three kind nodes whose BIRD (birdcl in calico-node) follows nodeToNodeMeshEnabled after `lag` reads, as confd re-renders:
 * w1 is the route reflector. With the mesh on, confd gives the reflector no Mesh_ protocol and the clients no Mesh_ to the
 * reflector (confd/etc/calico/confd/templates/bird.cfg.template@v3.31.0 "Node-to-node mesh": no mesh on a node with an
 * rr_cluster_id, "Skipping <ip> ... as it is a route reflector"); every client keeps its Node_ peer to the reflector.
 * calico-node runs in kube-system, as manifests/calico.yaml@v3.31.0 installs it.
 */
function rrCluster(lag: number): { cluster: ClusterHandle; calls: string[] } {
  const calls: string[] = [];
  const ips = { cp: '172.18.0.2', w1: '172.18.0.3', w2: '172.18.0.4' } as const;
  let mesh = false, reads = 0;
  const bird = (node: keyof typeof ips) => {
    const seen = ++reads > lag ? mesh : !mesh;
    const peers = Object.entries(ips).filter(([n]) => n !== node);
    const toRr: Array<[string, string, string]> = node === 'w1'
      ? peers.map(([, ip]) => [`Node_${ip.replace(/\./g, '_')}`, 'up', 'Established'])
      : [['Node_172_18_0_3', 'up', 'Established']];
    const meshRows: Array<[string, string, string]> = seen && node !== 'w1'
      ? peers.filter(([n]) => n !== 'w1').map(([, ip]) => [`Mesh_${ip.replace(/\./g, '_')}`, 'up', 'Established'])
      : [];
    return birdShow([...meshRows, ...toRr]);
  };
  const pod = (node: keyof typeof ips): PodHandle => ({ name: `calico-node-${node}`, namespace: 'kube-system', node, addresses: [], labels: {}, exec: async () => ({ stdout: bird(node), stderr: '', exitCode: 0 }) });
  const nodes: NodeHandle[] = (Object.keys(ips) as Array<keyof typeof ips>).map((n) => ({ name: n, role: 'worker', addresses: [ips[n]], exec: async () => ({ stdout: '', stderr: '', exitCode: 0 }) }));
  const kube = {
    context: 'kind-rr', workdir: '/tmp',
    pods: async (ns: string) => (ns === 'kube-system' ? (Object.keys(ips) as Array<keyof typeof ips>).map(pod) : []),
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
    const breakage = await meshOnInKind(cluster, ['w1'], 5_000, 1);
    expect(calls).toEqual(['calicoctl patch bgpconfiguration default -p {"spec":{"nodeToNodeMeshEnabled":true}}']);
    // The reflector (w1) has none, ever: waiting for Mesh_ on every node would time out on every kind/calico-bgp-rr run.
    expect(await meshCounts(cluster)).toEqual([1, 0, 1]);
    await breakage.undo();
    expect(await meshCounts(cluster)).toEqual([0, 0, 0]);
    expect(calls.at(-1)).toBe('calicoctl patch bgpconfiguration default -p {"spec":{"nodeToNodeMeshEnabled":false}}');
  });
  it('names what it awaited when confd never re-renders', async () => {
    await expect(meshOnInKind(rrCluster(1_000_000).cluster, ['w1'], 30, 1)).rejects.toThrow(/Mesh_ protocols in BIRD on every node but the route reflectors .*not done/);
  });
});
