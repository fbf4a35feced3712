import { parseBirdProtocols, unestablished } from '../../../helpers/parsers/birdc-protocols.ts';
import { parseIpRoute } from '../../../helpers/parsers/ip-route.ts';
import { pollUntilDone } from '../../../helpers/probes/poll.ts';
import type { Datapath, LabNode, LabView } from '../types.ts';
import { CALICO_BIRD_CONFIG, CALICO_BIRD_SOCKET, meshPeers, renderBirdConfig, routeReflectorPeers } from './calico-bird.ts';
import { plugCalicoWorkload } from './calico-workloads.ts';

export interface CalicoBgpOptions {
  /** Each node's affine /26 block. */
  blocks: Record<string, string>;
  pool: string;
  uplink: string;
  mtu: number;
  asNumber: number;
  topology: { kind: 'mesh' } | { kind: 'route-reflector'; reflector: string; clusterId: string };
  readyDeadlineMs?: number;
}

/**
 * Calico in BGP mode without encapsulation: BIRD on every node, configured as confd renders it,
 * exports the node's block (blackhole static) and programs the other nodes' blocks `proto bird`.
 */
export function calicoBgpDatapath(o: CalicoBgpOptions): Datapath {
  const mesh = o.topology.kind === 'mesh';
  return {
    name: mesh ? 'calico-bgp-mesh' : 'calico-bgp-rr',
    features: ['calico-gateway', 'bird', mesh ? 'bgp-mesh' : 'route-reflector'],
    async setupNode(node, lab) {
      const ip = lab.address(node.name, o.uplink);
      const all = lab.profile.nodes.map((n) => lab.address(n.name, o.uplink));
      const t = o.topology;
      const peers = t.kind === 'mesh'
        ? meshPeers(ip, all, o.asNumber)
        : routeReflectorPeers(ip, lab.address(t.reflector, o.uplink), all, o.asNumber, t.clusterId);
      const block = o.blocks[node.name];
      await node.writeFile(CALICO_BIRD_CONFIG, renderBirdConfig({ nodeIp: ip, asNumber: o.asNumber, blocks: block ? [block] : [], pools: [o.pool], peers }));
      // A route out of the uplink, as real nodes have: proxy ARP answers 169.254.1.1 only then.
      await node.sh([`ip route replace default dev ${o.uplink}`, 'mkdir -p /var/run/calico', `bird -c ${CALICO_BIRD_CONFIG} -s ${CALICO_BIRD_SOCKET}`]);
    },
    plugPod: (pod, node) => plugCalicoWorkload(pod, node, o.mtu),
    ready: (lab) => pollUntilDone(`datapath calico-bgp (${o.topology.kind}) converging`, () => unconverged(lab, o), o.readyDeadlineMs ?? 60_000),
  };
}

/** What is not there yet: sessions not Established, remote blocks not in a node's kernel table. */
async function unconverged(lab: LabView, o: CalicoBgpOptions): Promise<string[]> {
  const nodes = lab.profile.nodes.map((n) => lab.node(n.name));
  const left = await Promise.all(nodes.map(async (node) => [...await sessionsDown(node), ...await blocksMissing(node, lab, o)]));
  return left.flat();
}

async function sessionsDown(node: LabNode): Promise<string[]> {
  const r = await node.exec(['birdc', '-s', CALICO_BIRD_SOCKET, 'show', 'protocols']);
  if (r.exitCode !== 0) return [`${node.name}: birdc -s ${CALICO_BIRD_SOCKET} show protocols exited ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`];
  const protocols = parseBirdProtocols(r.stdout);
  if (!protocols.protocols.some((p) => p.proto === 'BGP')) return [`${node.name}: BIRD has no BGP protocol`];
  return unestablished(protocols).map((p) => `${node.name}: BGP ${p.name} ${p.state} ${p.info || '(no info)'}, awaiting Established`);
}

async function blocksMissing(node: LabNode, lab: LabView, o: CalicoBgpOptions): Promise<string[]> {
  const routes = parseIpRoute((await node.exec(['ip', '-4', 'route', 'show', 'proto', 'bird'])).stdout);
  return Object.entries(o.blocks).filter(([owner]) => owner !== node.name).flatMap(([owner, block]) => {
    const via = lab.address(owner, o.uplink);
    return routes.some((r) => r.dst === block && r.via === via) ? [] : [`${node.name}: route ${block} via ${via} proto bird (block of ${owner})`];
  });
}
