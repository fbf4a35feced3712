import { describe, expect, it } from 'vitest';
import { expectVxlanTunnel, readHostRoutes, readIpcacheJson, type TunnelObservation } from './c-tun-1.ts';

/*
 * No real `cilium-dbg bpf ipcache list -o json` output with a citable source was found. These values are written in the
 * format the agent prints them, RemoteEndpointInfo.String(): "identity=%d encryptkey=%d tunnelendpoint=%s flags=%s"
 * (cilium/cilium pkg/maps/ipcache/ipcache.go at 0141cb1c42e3e2bde5f70f8ca1bea8ac9866eac4), flags as rendered in
 * table output seen on kind clusters ("hastunnel", "<none>"); the JSON shape is the map[string][]string the list
 * command dumps (cilium-dbg/cmd/bpf_ipcache_list.go at 08f0582558145ee64c65d0c49d9428b5ac59375b). Unconfirmed by a run.
 */
const IPCACHE_W1 = JSON.stringify({
  '0.0.0.0/0': ['identity=2 encryptkey=0 tunnelendpoint=0.0.0.0 flags=<none>'],
  '10.244.0.0/24': ['identity=2 encryptkey=0 tunnelendpoint=172.18.0.2 flags=hastunnel'],
  '10.244.2.0/24': ['identity=2 encryptkey=0 tunnelendpoint=172.18.0.4 flags=hastunnel'],
  '10.244.1.17/32': ['identity=3388 encryptkey=0 tunnelendpoint=0.0.0.0 flags=<none>'],
});

// `ip -4 route` on a tunnel-mode node: remote pod CIDRs via cilium_host's address, the shape Cilium installs
// ("podIPSubnet via $IP dev cilium_host src $SrcIP mtu 1410", https://github.com/cilium/cilium/pull/14618 description).
const ROUTES_W1 = [
  'default via 172.18.0.1 dev eth0',
  '10.244.0.0/24 via 10.244.1.228 dev cilium_host proto kernel src 10.244.1.228 mtu 1450',
  '10.244.1.0/24 via 10.244.1.228 dev cilium_host proto kernel src 10.244.1.228',
  '10.244.1.228 dev cilium_host proto kernel scope link',
  '10.244.2.0/24 via 10.244.1.228 dev cilium_host proto kernel src 10.244.1.228 mtu 1450',
  '172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.3',
].join('\n');

const node = (name: string, address: string, podCidr: string, extra: Partial<TunnelObservation['nodes'][number]> = {}): TunnelObservation['nodes'][number] =>
  ({ node: name, address, podCidr, vxlan: { up: true, dstport: 8472 }, ...extra });
const agents = [{ pod: 'cilium-a', network: 'Tunnel', tunnelProtocol: 'vxlan' }];

describe('C-TUN-1 tunnel endpoints and cilium_host routes (issue 11 item 16)', () => {
  it('reads ipcache entries with their tunnel endpoints and reports values it does not understand', () => {
    const { entries, unparsed } = readIpcacheJson(IPCACHE_W1);
    expect(entries.find((e) => e.prefix === '10.244.2.0/24')).toEqual({ prefix: '10.244.2.0/24', identity: 2, tunnelEndpoint: '172.18.0.4', flags: 'hastunnel' });
    expect(entries.find((e) => e.prefix === '10.244.1.17/32')).toEqual({ prefix: '10.244.1.17/32', identity: 3388, flags: '<none>' });
    expect(unparsed).toEqual([]);
    expect(readIpcacheJson(JSON.stringify({ '10.0.0.0/8': ['identity=2 something new'] })).unparsed).toEqual(['10.0.0.0/8: "identity=2 something new"']);
    expect(readIpcacheJson('error dumping contents of map: no such file').unparsed).toEqual(['error dumping contents of map: no such file']);
  });

  it('reads the pod CIDR routes through cilium_host', () => {
    expect(readHostRoutes(ROUTES_W1)).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24']);
  });

  const cp = node('cp', '172.18.0.2', '10.244.0.0/24');
  const w2 = node('w2', '172.18.0.4', '10.244.2.0/24');
  it('holds when every node has a tunnel endpoint and a cilium_host route for each other node\'s pod CIDR', () => {
    const w1 = node('w1', '172.18.0.3', '10.244.1.0/24', { ipcache: readIpcacheJson(IPCACHE_W1).entries, ipcacheUnparsed: [], hostRoutes: readHostRoutes(ROUTES_W1) });
    expect(expectVxlanTunnel({ nodes: [cp, w1, w2], agents })).toEqual([]);
  });

  it('fails on a missing entry, a wrong tunnel endpoint, a missing route and an entry it cannot read', () => {
    const ipcache = readIpcacheJson(IPCACHE_W1).entries.filter((e) => e.prefix !== '10.244.0.0/24').map((e) => (e.prefix === '10.244.2.0/24' ? { ...e, tunnelEndpoint: '172.18.0.9' } : e));
    const w1 = node('w1', '172.18.0.3', '10.244.1.0/24', { ipcache, ipcacheUnparsed: ['10.0.0.0/8: "x"'], hostRoutes: ['10.244.0.0/24'] });
    expect(expectVxlanTunnel({ nodes: [cp, w1, w2], agents })).toEqual([
      'node w1: ipcache entry not understood: 10.0.0.0/8: "x"',
      'node w1: no ipcache entry for cp\'s pod CIDR 10.244.0.0/24 (expected tunnelendpoint=172.18.0.2)',
      'node w1: ipcache 10.244.2.0/24 has tunnelendpoint=172.18.0.9, expected 172.18.0.4 (w2)',
      'node w1: no route for w2\'s pod CIDR 10.244.2.0/24 via cilium_host',
    ]);
  });
});
