import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_BGP_TIMERS, meshPeers, peerAddressOf, peerName, renderBirdConfig, routeReflectorPeers, type BirdPeer } from './calico-bird.ts';

const ips = ['172.30.0.11', '172.30.0.12', '172.30.0.13'];
const files = (nodeIp: string, peers: BirdPeer[], rrClusterId?: string) =>
  renderBirdConfig({ nodeIp, asNumber: 64512, blocks: ['10.244.0.0/26'], pools: ['10.244.0.0/16'], peers, ...(rrClusterId ? { rrClusterId } : {}) });
const render = (nodeIp: string, peers: BirdPeer[], rrClusterId?: string) =>
  Object.values(files(nodeIp, peers, rrClusterId)).join('\n').split('\n').map((l) => l.trim());

/** Lines confd's v3.31.7 templates write verbatim (BIRD 1.x syntax), found in the render. */
const templateLines = {
  'bird.cfg.template': [
    'include "bird_aggr.cfg";',
    'include "bird_ipam.cfg";',
    'learn;             # Learn all alien routes from the kernel',
    'persist;           # Don\'t remove routes on bird shutdown',
    'scan time 2;       # Scan kernel routing table every 2 seconds',
    'export filter calico_kernel_programming; # Default is export none',
    'merge paths on;    # Allow export multipath routes (ECMP)',
    'template bgp bgp_template {',
    'description "Connection to BGP peer";',
    'gateway recursive; # This should be the default, but just in case.',
    'add paths on;',
    'source address 172.30.0.11;  # The local address we use for the TCP connection',
    'import all;        # Import all routes, since we don\'t know what the upstream',
    'calico_export_to_bgp_peers(true);',
    'passive on; # Mesh is unidirectional, peer will connect to us.',
    'ttl security off;',
    'multihop;',
    'rr client;',
  ],
  'bird_ipam.cfg.template': ['function reject_tunnel_routes () {', 'function calico_export_to_bgp_peers(bool internal_peer) {', 'filter calico_kernel_programming {', 'reject_tunnel_routes();', 'calico_aggr();'],
  'bird_aggr.cfg.template': ['protocol static {', 'function calico_aggr ()'],
};

describe('renderBirdConfig (BIRD 1.6, as confd writes it)', () => {
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
    expect(lines).toContain('interface -"cali*", -"kube-ipvs*", "*"; # Exclude cali* and kube-ipvs* but');
    expect(lines.some((l) => /ipv4 \{|channel/.test(l)), 'no BIRD 2 channel blocks').toBe(false);
    expect(meshPeers(ips[1]!, ips, 64512).map((p) => [p.name, p.passive])).toEqual([['Mesh_172_30_0_11', false], ['Mesh_172_30_0_13', true]]);
  });

  it('renders route reflection: the reflector has Node_<client> rr client sessions, clients only Node_<rr>', () => {
    const rr = render(ips[0]!, routeReflectorPeers(ips[0]!, [ips[0]!], ips, 64512, '244.0.0.1'), '244.0.0.1');
    expect(rr.filter((l) => l.startsWith('protocol bgp'))).toEqual(['protocol bgp Node_172_30_0_12 from bgp_template {', 'protocol bgp Node_172_30_0_13 from bgp_template {']);
    expect(rr.filter((l) => l === 'rr client;')).toHaveLength(2);
    expect(rr).toContain('rr cluster id 244.0.0.1;');
    expect(rr).toContain('# This node is configured as a route reflector with cluster ID 244.0.0.1;');
    const client = render(ips[2]!, routeReflectorPeers(ips[2]!, [ips[0]!], ips, 64512, '244.0.0.1'));
    expect(client.filter((l) => l.startsWith('protocol bgp'))).toEqual(['protocol bgp Node_172_30_0_11 from bgp_template {']);
    expect(client).not.toContain('rr client;');
    // Two reflectors peer with each other without rr client (the template: same cluster ID).
    expect(routeReflectorPeers(ips[0]!, [ips[0]!, ips[1]!], ips, 64512, '244.0.0.1').map((p) => [p.name, p.rrClusterId])).toEqual([['Node_172_30_0_12', undefined], ['Node_172_30_0_13', '244.0.0.1']]);
  });

  it('shortens only the timers, and says so', () => {
    const lines = render(ips[0]!, meshPeers(ips[0]!, ips, 64512));
    for (const t of LAB_BGP_TIMERS) expect(lines).toContain(t);
    expect(lines).not.toContain('connect retry time 5;');
  });

  it('names and reads peers as calicoctl does', () => {
    expect(peerName('Mesh', '10.0.0.1')).toBe('Mesh_10_0_0_1');
    expect(peerAddressOf('Node_10_161_1_1')).toBe('10.161.1.1');
    expect(peerAddressOf('Global_10_0_0_9_port_1790')).toBe('10.0.0.9');
    expect(peerAddressOf('kernel1')).toBeUndefined();
  });

  const upstream = '/work/shared/upstream/calico/confd/v3.31.7';
  it.skipIf(!existsSync(upstream))('keeps the upstream templates\' key lines (read in place from the shared upstream copy)', () => {
    const rendered = [...render(ips[0]!, routeReflectorPeers(ips[0]!, [ips[0]!], ips, 64512, '244.0.0.1'), '244.0.0.1'), ...render(ips[0]!, meshPeers(ips[0]!, ips, 64512))];
    for (const [file, lines] of Object.entries(templateLines)) {
      const template = readFileSync(`${upstream}/${file}`, 'utf8').split('\n').map((l) => l.trim());
      for (const line of lines) {
        const key = line.replace(/172\.30\.0\.11/, '{{$node_ip}}');
        expect(template.some((t) => t === key || t.startsWith(key)), `${file}: "${key}"`).toBe(true);
        expect(rendered.some((r) => r === line || r.startsWith(line)), `rendered: "${line}"`).toBe(true);
      }
    }
    const mesh = readFileSync(`${upstream}/bird.cfg.template`, 'utf8');
    expect(mesh).toContain('protocol bgp Mesh_{{$id}} from bgp_template {');
    expect(mesh).toContain('protocol bgp Node_{{$id}} from bgp_template {');
    expect(mesh).toContain('rr cluster id {{$node_cluster_id}};');
  });

  // Debian's bird 1.6.8 parses the render (bird -p): on hosts with the package, or BIRD_BINARY=<path to bird 1.6.8>.
  const bird = process.env.BIRD_BINARY ?? (existsSync('/usr/sbin/bird') ? '/usr/sbin/bird' : undefined);
  it.skipIf(!bird)('is a config BIRD 1.6.8 accepts (bird -p), for the mesh, a reflector and a client', () => {
    for (const f of [files(ips[1]!, meshPeers(ips[1]!, ips, 64512)), files(ips[0]!, routeReflectorPeers(ips[0]!, [ips[0]!], ips, 64512, '244.0.0.1'), '244.0.0.1'), files(ips[2]!, routeReflectorPeers(ips[2]!, [ips[0]!], ips, 64512, '244.0.0.1'))]) {
      const dir = mkdtempSync(join(tmpdir(), 'cc-bird-'));
      try {
        for (const [name, text] of Object.entries(f)) writeFileSync(join(dir, name), text);
        expect(() => execFileSync(bird!, ['-p', '-c', join(dir, 'bird.cfg')], { cwd: '/', stdio: 'pipe' })).not.toThrow();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
