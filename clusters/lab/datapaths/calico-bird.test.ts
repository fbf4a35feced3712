import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { meshPeers, peerAddressOf, peerName, renderBirdConfig, routeReflectorPeers } from './calico-bird.ts';

const ips = ['172.30.0.11', '172.30.0.12', '172.30.0.13'];
const render = (nodeIp: string, peers: ReturnType<typeof meshPeers>) =>
  renderBirdConfig({ nodeIp, asNumber: 64512, blocks: ['10.244.0.0/26'], pools: ['10.244.0.0/16'], peers }).split('\n').map((l) => l.trim());

/** Lines confd's templates write verbatim (BIRD 1.x syntax that BIRD 2 also takes), found in the render. */
const templateLines = {
  'bird.cfg.template': [
    'learn;             # Learn all alien routes from the kernel',
    'persist;           # Don\'t remove routes on bird shutdown',
    'scan time 2;       # Scan kernel routing table every 2 seconds',
    'merge paths on;    # Allow export multipath routes (ECMP)',
    'template bgp bgp_template {',
    'description "Connection to BGP peer";',
    'connect delay time 2;',
    'connect retry time 5;',
    'error wait time 5,30;',
    'source address 172.30.0.11;  # The local address we use for the TCP connection',
    'rr client;',
  ],
  'bird_ipam.cfg.template': ['function reject_tunnel_routes ()', 'function calico_export_to_bgp_peers(bool internal_peer)', 'filter calico_kernel_programming'],
  'bird_aggr.cfg.template': ['protocol static {', 'function calico_aggr ()'],
};

describe('renderBirdConfig', () => {
  it('renders the mesh as confd does: Mesh_<ip> per other node, passive towards higher addresses', () => {
    const lines = render(ips[1]!, meshPeers(ips[1]!, ips, 64512));
    expect(lines).toContain('router id 172.30.0.12;');
    expect(lines).toContain('protocol bgp Mesh_172_30_0_11 from bgp_template {');
    expect(lines).toContain('protocol bgp Mesh_172_30_0_13 from bgp_template {');
    expect(lines).not.toContain('protocol bgp Mesh_172_30_0_12 from bgp_template {');
    expect(lines).toContain('neighbor 172.30.0.13 as 64512;');
    expect(lines).toContain('local as 64512;');
    expect(lines).toContain('route 10.244.0.0/26 blackhole;');
    expect(lines).toContain('if ( net = 10.244.0.0/26 ) then { accept; }');
    expect(lines).toContain('if ( net ~ 10.244.0.0/26 ) then { reject; }');
    expect(lines).toContain('export filter { calico_export_to_bgp_peers(true); reject; };  # Only want to export routes for workloads.');
    expect(lines).toContain('interface -"cali*", -"kube-ipvs*", "*";');
    expect(meshPeers(ips[1]!, ips, 64512).map((p) => [p.name, p.passive])).toEqual([['Mesh_172_30_0_11', false], ['Mesh_172_30_0_13', true]]);
  });

  it('renders route reflection: the reflector has Node_<client> rr client sessions, clients only Node_<rr>', () => {
    const rr = render(ips[0]!, routeReflectorPeers(ips[0]!, ips[0]!, ips, 64512, '244.0.0.1'));
    expect(rr.filter((l) => l.startsWith('protocol bgp'))).toEqual([
      'protocol bgp Node_172_30_0_12 from bgp_template {', 'protocol bgp Node_172_30_0_13 from bgp_template {',
    ]);
    expect(rr.filter((l) => l === 'rr client;')).toHaveLength(2);
    expect(rr).toContain('rr cluster id 244.0.0.1;');
    const client = render(ips[2]!, routeReflectorPeers(ips[2]!, ips[0]!, ips, 64512, '244.0.0.1'));
    expect(client.filter((l) => l.startsWith('protocol bgp'))).toEqual(['protocol bgp Node_172_30_0_11 from bgp_template {']);
    expect(client).not.toContain('rr client;');
  });

  it('names and reads peers as calicoctl does', () => {
    expect(peerName('Mesh', '10.0.0.1')).toBe('Mesh_10_0_0_1');
    expect(peerAddressOf('Node_10_161_1_1')).toBe('10.161.1.1');
    expect(peerAddressOf('Global_10_0_0_9_port_1790')).toBe('10.0.0.9');
    expect(peerAddressOf('kernel1')).toBeUndefined();
  });

  const upstream = '/work/shared/upstream/calico/confd/v3.31.7';
  it.skipIf(!existsSync(upstream))('keeps the upstream templates\' key lines (read in place from the shared upstream copy)', () => {
    const rendered = [
      ...render(ips[0]!, routeReflectorPeers(ips[0]!, ips[0]!, ips, 64512, '244.0.0.1')),
      ...render(ips[0]!, meshPeers(ips[0]!, ips, 64512)),
    ];
    for (const [file, lines] of Object.entries(templateLines)) {
      const template = readFileSync(`${upstream}/${file}`, 'utf8').split('\n').map((l) => l.trim());
      for (const line of lines) {
        const key = line.replace(/172\.30\.0\.11/, '{{$node_ip}}').replace(/\s+#.*$/, '');
        expect(template.some((t) => t.startsWith(key.replace(/ \{$/, '')) || t.includes(key)), `${file}: "${key}"`).toBe(true);
        expect(rendered.some((r) => r.startsWith(line.replace(/\s+#.*$/, ''))), `rendered: "${line}"`).toBe(true);
      }
    }
    // The mesh block of the template, line for line with our Mesh_ protocol.
    const mesh = readFileSync(`${upstream}/bird.cfg.template`, 'utf8');
    expect(mesh).toContain('protocol bgp Mesh_{{$id}} from bgp_template {');
    expect(mesh).toContain('protocol bgp Node_{{$id}} from bgp_template {');
    expect(mesh).toContain('rr cluster id {{$node_cluster_id}};');
  });
});
