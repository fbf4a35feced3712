import { parseBirdProtocols, unestablished } from '../../../helpers/parsers/birdc-protocols.ts';
import { parseIpRoute } from '../../../helpers/parsers/ip-route.ts';
import { pollUntilDone } from '../../../helpers/probes/poll.ts';
import type { Datapath, LabNode, LabView } from '../types.ts';
import { CALICO_BIRD_CONFIG, CALICO_BIRD_DIR, CALICO_BIRD_SOCKET, meshPeers, renderBirdConfig, routeReflectorPeers } from './calico-bird.ts';
import { plugCalicoWorkload } from './calico-workloads.ts';

export interface CalicoBgpOptions {
  /** Each node's affine /26 block. */
  blocks: Record<string, string>;
  pool: string;
  uplink: string;
  mtu: number;
  asNumber: number;
  /** Route reflection: the nodes labelled `<label>=true` in the profile reflect, with this cluster ID (as kind's BGPPeer selectors read the label). */
  topology: { kind: 'mesh' } | { kind: 'route-reflector'; label: string; clusterId: string };
  readyDeadlineMs?: number;
}

/** The nodes a profile makes route reflectors: labelled `<label>=true`, as on a Kubernetes node. */
export function labelledReflectors(nodes: Array<{ name: string; labels?: Record<string, string> }>, label: string): string[] {
  return nodes.filter((n) => n.labels?.[label] === 'true').map((n) => n.name);
}

/**
 * calico-node's `birdcl`, BIRD's readline-free client: Debian's bird 1.6.8 ships only `birdc`. Both are the same
 * client core (CZ-NIC/bird client/Makefile: commands.c util.c client.c, plus birdc.o for birdc or birdcl.o for birdcl;
 * read at a 2.x commit, the 1.6 split is assumed the same) and print the daemon's replies unchanged, so the kind
 * probe's argv runs here on the same output.
 */
const BIRDCL = '#!/bin/sh\n# calico-node runs birdcl; Debian bird 1.6.8 has birdc, the same client core with readline.\nexec birdc "$@" </dev/null\n';

/**
 * Calico in BGP mode without encapsulation: BIRD 1.6.8 on every node, configured as confd renders it,
 * exports the node's block (blackhole static) and programs the other nodes' blocks `proto bird`.
 */
export function calicoBgpDatapath(o: CalicoBgpOptions): Datapath {
  const mesh = o.topology.kind === 'mesh';
  return {
    name: mesh ? 'calico-bgp-mesh' : 'calico-bgp-rr',
    features: ['calico-gateway', 'bird', mesh ? 'bgp-mesh' : 'route-reflector'],
    // Pods behind cali veths, blocks BIRD learnt routed bare over the uplink.
    hops: {},
    async setupNode(node, lab) {
      const ip = lab.address(node.name, o.uplink);
      const all = lab.profile.nodes.map((n) => lab.address(n.name, o.uplink));
      const t = o.topology;
      const reflectors = t.kind === 'mesh' ? [] : labelledReflectors(lab.profile.nodes, t.label);
      if (t.kind === 'route-reflector' && reflectors.length === 0) throw new Error(`calico-bgp-rr datapath: no node of ${lab.profile.name} is labelled ${t.label}=true`);
      const peers = t.kind === 'mesh'
        ? meshPeers(ip, all, o.asNumber)
        : routeReflectorPeers(ip, reflectors.map((r) => lab.address(r, o.uplink)), all, o.asNumber, t.clusterId);
      const block = o.blocks[node.name];
      const rr = t.kind === 'route-reflector' && reflectors.includes(node.name) ? { rrClusterId: t.clusterId } : {};
      const files = renderBirdConfig({ nodeIp: ip, asNumber: o.asNumber, blocks: block ? [block] : [], pools: [o.pool], peers, ...rr });
      for (const [file, text] of Object.entries(files)) await node.writeFile(`${CALICO_BIRD_DIR}/${file}`, text);
      await node.writeFile('/usr/local/sbin/birdcl', BIRDCL);
      // A route out of the uplink, as real nodes have: proxy ARP answers 169.254.1.1 only then.
      await node.sh([
        `ip route replace default dev ${o.uplink}`, 'chmod 755 /usr/local/sbin/birdcl', 'mkdir -p /var/run/calico',
        `bird -c ${CALICO_BIRD_CONFIG} -s ${CALICO_BIRD_SOCKET}`,
      ]);
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
  const r = await node.exec(['birdcl', '-s', CALICO_BIRD_SOCKET, 'show', 'protocols']);
  if (r.exitCode !== 0) return [`${node.name}: birdcl -s ${CALICO_BIRD_SOCKET} show protocols exited ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`];
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
