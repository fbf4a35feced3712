import type { ClusterHandle } from '../../clusters/types.ts';
import { pollUntilDone } from '../../helpers/probes/poll.ts';
import { kubeOf, output } from '../kube-actions.ts';
import type { Breakage } from '../types.ts';
import { nodeStatuses } from './bgp.ts';

/** Mesh protocols per node, from BIRD's own protocol list (statusFromBird types Mesh_* as node-to-node mesh). */
async function meshPeers(cluster: ClusterHandle): Promise<Array<{ node: string; mesh: number }>> {
  return (await nodeStatuses(cluster)).value.map((n) => ({ node: n.node, mesh: n.status.ipv4Peers.filter((p) => p.type === 'node-to-node mesh').length }));
}

/**
 * K-RR-1 on kind: `nodeToNodeMeshEnabled: true` on the default BGPConfiguration. confd re-renders bird.cfg with one
 * `Mesh_<peer ip>` protocol per other node (the "Node-to-node mesh" section of
 * confd/etc/calico/confd/templates/bird.cfg.template@v3.31.0:159-213; v3.31.0 has no bgp_processor.go) and BIRD reloads it;
 * apply returns once every node's BIRD has Mesh_ protocols, undo once none has any.
 * A route reflector never gets any: on a node with an rr_cluster_id the template renders no mesh ("configured as a route
 * reflector ... ignore node-to-node mesh setting"), and the other nodes skip a peer that has one ("Skipping <ip> ... as it
 * is a route reflector", same template@v3.31.0). So `reflectors`
 * (the nodes K-RR-1 found labelled route-reflector=true, the ones the profile gives a RouteReflectorClusterID) are
 * left out of the wait for Mesh_ protocols.
 */
export async function meshOnInKind(cluster: ClusterHandle, reflectors: readonly string[], deadlineMs = 120_000, intervalMs = 2_000): Promise<Breakage> {
  const kube = kubeOf(cluster);
  const patch = (on: boolean) => output(`cluster "${cluster.name}"`, (a) => kube.run(a), ['calicoctl', 'patch', 'bgpconfiguration', 'default', '-p', JSON.stringify({ spec: { nodeToNodeMeshEnabled: on } })]);
  await patch(true);
  await pollUntilDone('Mesh_ protocols in BIRD on every node but the route reflectors (confd re-rendered bird.cfg)', async () =>
    (await meshPeers(cluster)).filter((n) => n.mesh === 0 && !reflectors.includes(n.node)).map((n) => `${n.node}: no Mesh_ protocol yet`), deadlineMs, intervalMs);
  return {
    what: 'nodeToNodeMeshEnabled: true',
    async undo() {
      await patch(false);
      await pollUntilDone('no Mesh_ protocol left in BIRD on any node', async () =>
        (await meshPeers(cluster)).filter((n) => n.mesh > 0).map((n) => `${n.node}: ${n.mesh} Mesh_ protocols`), deadlineMs, intervalMs);
    },
  };
}
