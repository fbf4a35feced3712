import { createHash } from 'node:crypto';

/** A locally administered unicast MAC derived from a name (Felix and flanneld pick random ones; ours repeat). */
export function stableMac(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  return ['66', ...Array.from({ length: 5 }, (_, i) => hex.slice(i * 2, i * 2 + 2))].join(':');
}

/** One remote VTEP as a VXLAN agent (Felix, flanneld) programs it, with static state only. */
export interface RemoteVtep {
  /** Remote pod network: a Calico block or a flannel /24. */
  subnet: string;
  /** The remote tunnel device's address: the route's onlink gateway and the neighbour entry. */
  vtepIp: string;
  vtepMac: string;
  /** The remote node's underlay address: the fdb entry's dst. */
  nodeIp: string;
}

/** Route, permanent neighbour and permanent fdb entry per remote VTEP: no learning, no multicast. */
export function remoteVtepCommands(dev: string, peers: RemoteVtep[], routeProto?: string): string[] {
  return peers.flatMap((p) => [
    `ip neigh replace ${p.vtepIp} lladdr ${p.vtepMac} dev ${dev} nud permanent`,
    `bridge fdb append ${p.vtepMac} dev ${dev} dst ${p.nodeIp} self permanent`,
    `ip route replace ${p.subnet} via ${p.vtepIp} dev ${dev} onlink${routeProto ? ` proto ${routeProto}` : ''}`,
  ]);
}
