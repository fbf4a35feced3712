/**
 * Renders BIRD 2 configs shaped like the ones calico/node's confd writes from its templates
 * (confd/etc/calico/confd/templates/bird*.cfg.template, v3.31.7 for the mesh/RR rules):
 * kernel/device/direct protocols, a bgp_template, one `protocol bgp` per peer, the node's
 * blocks as blackhole statics and the calico_export_to_bgp_peers()/calico_aggr() filters.
 * Calico runs its BIRD 1.x fork; BIRD 2 needs channel blocks (`ipv4 { ... }`) for the same settings.
 */

/** Calico's BIRD control socket, as calico-node (and `calicoctl node status`) use it. */
export const CALICO_BIRD_SOCKET = '/var/run/calico/bird.ctl';
export const CALICO_BIRD_CONFIG = '/etc/calico/confd/config/bird.cfg';

export interface BirdPeer {
  /** `Mesh_<ip>` for the node-to-node mesh, `Node_<ip>` for node-specific peers (route reflection). */
  name: string;
  ip: string;
  asNumber: number;
  /** The template's unidirectional mesh: the side with the lower address waits for the other. */
  passive: boolean;
  /** Set on a route reflector's sessions to its clients: `rr client; rr cluster id <id>;`. */
  rrClusterId?: string;
}

export interface BirdNodeConfig {
  nodeIp: string;
  asNumber: number;
  /** The node's affine IPAM blocks (/26): blackhole statics, the only prefixes exported. */
  blocks: string[];
  /** IP pools: routes inside them are exported (after calico_aggr) and programmed into the kernel. */
  pools: string[];
  peers: BirdPeer[];
}

/** `172.30.0.12` -> `Mesh_172_30_0_12`, as the template joins the split address with `_`. */
export function peerName(kind: 'Mesh' | 'Node', ip: string): string {
  return `${kind}_${ip.split('.').join('_')}`;
}

/** The peer address a Calico protocol name encodes (`Mesh_172_30_0_12`, `Node_10_0_0_1_port_179`). */
export function peerAddressOf(protocol: string): string | undefined {
  const m = /^(?:Mesh|Node|Global)_(\d+)_(\d+)_(\d+)_(\d+)(?:_port_\d+)?$/.exec(protocol);
  return m ? m.slice(1, 5).join('.') : undefined;
}

// The template compares addresses as strings (`gt $onode_ip $node_ip`); so do we.
const passiveTowards = (peerIp: string, nodeIp: string) => peerIp > nodeIp;

/** Node-to-node mesh: one Mesh_ session per other node. */
export function meshPeers(nodeIp: string, allNodeIps: string[], asNumber: number): BirdPeer[] {
  return allNodeIps.filter((ip) => ip !== nodeIp).map((ip) => ({ name: peerName('Mesh', ip), ip, asNumber, passive: passiveTowards(ip, nodeIp) }));
}

/** Mesh off, one reflector: clients peer only with it; it peers with every client as `rr client`. */
export function routeReflectorPeers(nodeIp: string, reflectorIp: string, allNodeIps: string[], asNumber: number, clusterId: string): BirdPeer[] {
  if (nodeIp !== reflectorIp) return [{ name: peerName('Node', reflectorIp), ip: reflectorIp, asNumber, passive: passiveTowards(reflectorIp, nodeIp) }];
  return allNodeIps.filter((ip) => ip !== nodeIp).map((ip) => ({
    name: peerName('Node', ip), ip, asNumber, passive: passiveTowards(ip, nodeIp), rrClusterId: clusterId,
  }));
}

export function renderBirdConfig(c: BirdNodeConfig): string {
  const lines = [
    '# Rendered by cni-conformance in the shape of calico/node confd bird.cfg (BIRD 2 syntax)',
    `router id ${c.nodeIp};`,
    '',
    '# bird_aggr.cfg: blackholes for this host\'s blocks; export the block, nothing beneath it.',
    'protocol static {',
    '  ipv4;',
    ...(c.blocks.length ? ['  # IP blocks for this host.', ...c.blocks.map((b) => `  route ${b} blackhole;`)] : ['  # No IP blocks or static routes for this host.']),
    '}',
    '',
    'function calico_aggr ()',
    '{',
    ...c.blocks.flatMap((b) => [`  # Block ${b} is confirmed.`, `  if ( net = ${b} ) then { accept; }`, `  if ( net ~ ${b} ) then { reject; }`]),
    '}',
    '',
    '# bird_ipam.cfg',
    'function reject_tunnel_routes ()',
    '{',
    '  # Don\'t export tunnel routes to other nodes, Felix programs them.',
    '  if ((ifname ~ "*.cali") || (ifname ~ "*.calico")) then { reject; }',
    '}',
    '',
    'function calico_export_to_bgp_peers(bool internal_peer)',
    '{',
    '  if (internal_peer) then { reject_tunnel_routes(); }',
    '  calico_aggr();',
    ...c.pools.map((p) => `  if ( net ~ ${p} ) then { accept; }`),
    '}',
    '',
    'filter calico_kernel_programming',
    '{',
    ...c.pools.map((p) => `  if ( net ~ ${p} ) then { accept; }`),
    '  accept;',
    '}',
    '',
    '# Configure synchronization between routing tables and kernel.',
    'protocol kernel {',
    '  learn;             # Learn all alien routes from the kernel',
    '  persist;           # Don\'t remove routes on bird shutdown',
    '  scan time 2;       # Scan kernel routing table every 2 seconds',
    '  graceful restart;',
    '  merge paths on;    # Allow export multipath routes (ECMP)',
    '  ipv4 { import all; export filter calico_kernel_programming; };',
    '}',
    '',
    '# Watch interface up/down events.',
    'protocol device {',
    '  scan time 2;    # Scan interfaces every 2 seconds',
    '}',
    '',
    'protocol direct {',
    '  ipv4;',
    '  interface -"cali*", -"kube-ipvs*", "*";',
    '}',
    '',
    '# Template for all BGP clients',
    'template bgp bgp_template {',
    '  description "Connection to BGP peer";',
    `  local as ${c.asNumber};`,
    '  graceful restart;',
    '  connect delay time 2;',
    '  connect retry time 5;',
    '  error wait time 5,30;',
    '  ipv4 { gateway recursive; add paths on; };',
    '}',
    renderPeers(c.peers, c.nodeIp),
  ];
  return `${lines.join('\n')}\n`;
}

function renderPeer(p: BirdPeer, nodeIp: string): string[] {
  return [
    `# For peer ${p.ip}`,
    `protocol bgp ${p.name} from bgp_template {`,
    `  neighbor ${p.ip} as ${p.asNumber};`,
    `  source address ${nodeIp};  # The local address we use for the TCP connection`,
    '  ipv4 {',
    '    import all;',
    '    export filter { calico_export_to_bgp_peers(true); reject; };  # Only want to export routes for workloads.',
    '  };',
    ...(p.passive ? ['  passive on; # Peering is unidirectional, peer will connect to us.'] : []),
    ...(p.rrClusterId ? ['  rr client;', `  rr cluster id ${p.rrClusterId};`] : []),
    '}',
  ];
}

/** The `protocol bgp` blocks alone, e.g. to add sessions to a running config and `birdc configure`. */
export function renderPeers(peers: BirdPeer[], nodeIp: string): string {
  return peers.flatMap((p) => ['', ...renderPeer(p, nodeIp)]).join('\n');
}
