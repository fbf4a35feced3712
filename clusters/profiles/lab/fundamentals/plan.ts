/**
 * Names, addresses and device specs of the fundamentals topologies (the notes' labs), shared by the
 * profiles that build them and the F-* behaviours that probe and break them.
 */

/** fund-vxlan: three hosts on one underlay segment, as the notes' 192.168.2.61/.62 servers. */
export const VX_HOSTS = { 'host-a': '192.168.2.61', 'host-b': '192.168.2.62', 'host-c': '192.168.2.63' } as const;
export type VxHost = keyof typeof VX_HOSTS;
export const VX_UNDERLAY_IFACE = 'eth1';

/** F-VX-1: `vxlan id 5 dstport 4789 local A remote B` between host-a and host-b. */
export const VX_P2P = { dev: 'vxlan5', id: 5, port: 4789, overlay: { 'host-a': '20.1.1.1', 'host-b': '20.1.1.2' } } as const;
/** F-VX-2: `vxlan id 6 group 239.1.1.1` on all three hosts. */
export const VX_MCAST = { dev: 'vxlan6', id: 6, port: 4789, group: '239.1.1.1', overlay: { 'host-a': '10.20.1.1', 'host-b': '10.20.1.2', 'host-c': '10.20.1.3' } } as const;
/** F-VX-3: head-end replication, one all-zero fdb entry per remote VTEP, no group. */
export const VX_HER = { dev: 'vxlan7', id: 7, port: 4789, overlay: { 'host-a': '10.30.1.1', 'host-b': '10.30.1.2', 'host-c': '10.30.1.3' } } as const;

export type VxP2pHost = keyof typeof VX_P2P.overlay;
export const vxP2pPeer = (node: VxP2pHost): VxP2pHost => (node === 'host-a' ? 'host-b' : 'host-a');

/** Lines creating the point-to-point VXLAN of `node` towards its peer (dstport and remote overridable for negative controls). */
export function vxP2pLines(node: VxP2pHost, port: number = VX_P2P.port, remote: VxHost = vxP2pPeer(node)): string[] {
  return [
    `ip link add ${VX_P2P.dev} type vxlan id ${VX_P2P.id} dstport ${port} local ${VX_HOSTS[node]} remote ${VX_HOSTS[remote]} dev ${VX_UNDERLAY_IFACE}`,
    `ip addr add ${VX_P2P.overlay[node]}/24 dev ${VX_P2P.dev}`,
    `ip link set ${VX_P2P.dev} up`,
  ];
}

export function vxMcastLines(node: VxHost): string[] {
  return [
    `ip link add ${VX_MCAST.dev} type vxlan id ${VX_MCAST.id} dstport ${VX_MCAST.port} group ${VX_MCAST.group} dev ${VX_UNDERLAY_IFACE}`,
    `ip addr add ${VX_MCAST.overlay[node]}/24 dev ${VX_MCAST.dev}`,
    `ip link set ${VX_MCAST.dev} up`,
  ];
}

/** The head-end replication list: one `bridge fdb append 00:00:00:00:00:00 ... dst <remote>` per remote VTEP. */
export function herFdbLine(remote: VxHost, verb: 'append' | 'del' = 'append'): string {
  return `bridge fdb ${verb} 00:00:00:00:00:00 dev ${VX_HER.dev} dst ${VX_HOSTS[remote]}`;
}

export function vxHerLines(node: VxHost): string[] {
  const remotes = (Object.keys(VX_HOSTS) as VxHost[]).filter((h) => h !== node);
  return [
    `ip link add ${VX_HER.dev} type vxlan id ${VX_HER.id} dstport ${VX_HER.port} local ${VX_HOSTS[node]} dev ${VX_UNDERLAY_IFACE}`,
    ...remotes.map((r) => herFdbLine(r)),
    `ip addr add ${VX_HER.overlay[node]}/24 dev ${VX_HER.dev}`,
    `ip link set ${VX_HER.dev} up`,
  ];
}

/** F-HG-1: flannel host-gw style, one /24 per host behind a bridge, routes via the other host's underlay address. */
export const HG_BRIDGE = 'cni0';
export const HG_SUBNETS = { 'host-a': '10.244.1.0/24', 'host-b': '10.244.2.0/24' } as const;
export const HG_PODS = { 'pod-a': { node: 'host-a', address: '10.244.1.2' }, 'pod-b': { node: 'host-b', address: '10.244.2.2' } } as const;

/** fund-routers: h1 - r1 - r2 - h2 with static routes (F-RT-1), pc1 behind r1 with a /16 (F-PARP-1). */
export const RT = {
  h1: '10.1.1.1', r1h1: '10.1.1.254', r1r2: '10.1.12.1', r2r1: '10.1.12.2', r2h2: '10.1.2.254', h2: '10.1.2.1',
  net1: '10.1.1.0/24', net2: '10.1.2.0/24',
} as const;
/** A static route of one hop: `ip route add <dst> via <via> proto static` on `node`. */
export const RT_HOP_ROUTES = [
  { node: 'h1', dst: 'default', via: RT.r1h1 },
  { node: 'r1', dst: RT.net2, via: RT.r2r1 },
  { node: 'r2', dst: RT.net1, via: RT.r1r2 },
  { node: 'h2', dst: 'default', via: RT.r2h2 },
] as const;
export const routeLine = (r: { dst: string; via: string }, verb: 'add' | 'del' = 'add') => `ip route ${verb} ${r.dst} via ${r.via} proto static`;

export const PARP = { pc: 'pc1', pcAddress: '10.1.3.1', pcPrefix: 16, router: 'r1', routerIface: 'eth3', routerAddress: '10.1.3.254', target: RT.h1 } as const;

/** fund-frr: the notes' AR1-AR2-AR3 (AS 123, OSPF area 0) and AR4 (AS 400) with 66.66.66.66/32. */
export const FRR_LOOPBACKS = { ar1: '1.1.1.1', ar2: '2.2.2.2', ar3: '3.3.3.3' } as const;
export const EBGP_PREFIX = '66.66.66.66/32';
/** A BGP-only prefix originated by ar2: when ar1 has it, ar1's session with ar2 has delivered its updates. */
export const RR_MARKER_PREFIX = '22.22.22.22/32';
export const IBGP_ROUTERS = ['ar1', 'ar2', 'ar3'] as const;
