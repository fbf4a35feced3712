import { defineBehaviour } from '../check.ts';
import { cni, feature } from '../requirements.ts';
import { announceInsideAnotherBlock, DOCS, disableFirstPeer, nodeStatuses, type NodeBgp } from './bgp.ts';
import { blockRouteProblems } from './bgp-bird.ts';

/**
 * Full mesh: each node has one Established `node-to-node mesh` peer per other node; each node originates exactly its own
 * blocks, and every other node routes each of them via it, learnt once (one Mesh_ session per owner).
 */
export function expectFullMesh(nodes: NodeBgp[]): string[] {
  const problems: string[] = [];
  for (const n of nodes) {
    if (!n.status.birdRunning) { problems.push(`node ${n.node}: BIRD is not running; BGP needs calico_backend: bird`); continue; }
    const mesh = n.status.ipv4Peers.filter((p) => p.type === 'node-to-node mesh');
    if (mesh.length !== nodes.length - 1) problems.push(`node ${n.node}: ${mesh.length} node-to-node mesh peers, expected ${nodes.length - 1} (one per other node)`);
    for (const p of mesh) {
      if (p.state !== 'up' || p.info !== 'Established') problems.push(`node ${n.node}: mesh peer ${p.address} is ${p.state}/${p.info}, expected up/Established`);
    }
  }
  if (nodes.length < 2) problems.push(`need at least 2 nodes for a mesh, got ${nodes.length}`);
  return [...problems, ...blockRouteProblems(nodes)];
}

export const kBgp1 = defineBehaviour<NodeBgp[]>({
  id: 'K-BGP-1',
  title: 'BGP full mesh',
  docs: DOCS.nodeStatus,
  requires: [cni('calico'), feature('bgp-mesh', 'calico_backend: bird with nodeToNodeMeshEnabled (the default)')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  probe: nodeStatuses,
  expect: expectFullMesh,
  negativeControls: [
    {
      name: 'one Mesh_ BIRD protocol disabled',
      owner: {
        owner: 'confd (calico-node)', reverts: 'on-event', breakage: 'changes',
        why: 'a protocol disabled with birdcl stays down until BIRD is reconfigured with a changed protocol or restarted; confd re-renders bird.cfg '
          + 'only when the datastore changes and reloads BIRD only when the file differs (confd/pkg/resource/template/processor.go@v3.31.0 '
          + 'monitorPrefix, resource.go@v3.31.0 sync: sameConfig, then reload_cmd "sv hup bird")',
        unverified: 'BIRD\'s reconfigure of a CLI-disabled protocol was not read (projectcalico/bird v0.3.3-211-g9111ec3c, metadata.mk@v3.31.0 BIRD_VERSION)',
      },
      apply: (cluster) => disableFirstPeer(cluster, 'Mesh_'),
      expectFailure: /mesh peer \S+ is (start|stop|down)\/\S*.*expected up\/Established/,
    },
    {
      name: 'a node announces a prefix inside another node\'s block',
      owner: {
        owner: 'nobody (an alien blackhole route BIRD learns)', reverts: 'never', breakage: 'adds',
        why: 'BIRD learns an alien kernel route and never deletes it (projectcalico/bird sysdep/unix/krt.c@v0.3.3-208-g1e2ff99d krt_got_route: KRT_SRC_ALIEN -> krt_learn_scan)',
      },
      apply: (cluster) => announceInsideAnotherBlock(cluster, async () => expectFullMesh((await nodeStatuses(cluster)).value)),
      expectFailure: /node \S+: routes [\d./]+ via [\d.]+ \(\S+\), inside \S+'s block [\d./]+: a node originates only its own blocks/,
    },
  ],
});
