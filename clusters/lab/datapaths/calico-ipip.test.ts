import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../../types.ts';
import type { LabNode, LabView } from '../types.ts';
import { calicoIpipLab } from '../../profiles/lab/cni/calico-ipip.ts';
import { calicoIpipDatapath, ensureTunl0 } from './calico-ipip.ts';

/** `ip -d link show dev tunl0` as iproute2 prints the module's fallback device (the -d line: ip/link_iptnl.c). */
const tunl0 = (up: boolean) => [
  `4: tunl0@NONE: <NOARP${up ? ',UP,LOWER_UP' : ''}> mtu 1480 qdisc noop state DOWN mode DEFAULT group default qlen 1000`,
  '    link/ipip 0.0.0.0 brd 0.0.0.0 promiscuity 0 minmtu 0 maxmtu 0 ',
  '    ipip any remote any local any ttl inherit nopmtudisc addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 ',
].join('\n');

/** A node that records every command; `kernel` decides what `ip link` answers. */
function fakeNode(name: string, kernel: 'module-loaded' | 'module-autoloads' | 'no-ipip') {
  const lines: string[] = [];
  let exists = kernel === 'module-loaded';
  const ok = (stdout = ''): ExecResult => ({ exitCode: 0, stdout, stderr: '' });
  const fail = (stderr: string): ExecResult => ({ exitCode: 1, stdout: '', stderr });
  const node = {
    name, role: 'worker', addresses: [], containerId: name,
    async exec(argv: string[]) {
      const cmd = argv.join(' ');
      lines.push(cmd);
      if (cmd.includes('ip link add name tunl0 type ipip')) {
        if (kernel === 'no-ipip') return fail('Error: Unknown device type.');
        // The module loads, makes tunl0 in every netns, then the add itself collides.
        exists = true;
        return fail('RTNETLINK answers: File exists');
      }
      if (cmd === 'ip -d link show dev tunl0') return exists ? ok(tunl0(false)) : fail('Device "tunl0" does not exist.');
      return ok();
    },
    async sh(l: string[]) { lines.push(...l); return ''; },
    async writeFile() {},
  } as LabNode;
  return { node, lines };
}

const view: LabView = { profile: calicoIpipLab, node: () => { throw new Error('unused'); }, address: (n) => (n === 'node-a' ? '172.30.0.11' : '172.30.0.12') };

describe('lab/calico-ipip tunl0 path', () => {
  it('finds IPIP when the add fails only because loading the module made tunl0 first (a fresh Ubuntu runner)', async () => {
    expect(await ensureTunl0(fakeNode('n', 'module-autoloads').node)).toBe(true);
    expect(await ensureTunl0(fakeNode('n', 'module-loaded').node)).toBe(true);
    expect(await ensureTunl0(fakeNode('n', 'no-ipip').node)).toBe(false);
  });

  it('with IPIP: tunl0 up at 1480 with an address from the block, remote blocks via tunl0 onlink, own block blackholed, pods at 1480', async () => {
    const dp = calicoIpipDatapath({ blocks: { 'node-a': '10.244.0.0/26', 'node-b': '10.244.0.64/26' }, uplink: 'eth0', underlayMtu: 1500 });
    const { node, lines } = fakeNode('node-a', 'module-autoloads');
    await dp.setupNode!(node, view);
    expect(lines).toContain('ip link set tunl0 mtu 1480 up');
    expect(lines).toContain('ip addr add 10.244.0.0/32 dev tunl0');
    expect(lines).toContain('ip route add blackhole 10.244.0.0/26 proto bird');
    expect(lines).toContain('ip route add 10.244.0.64/26 via 172.30.0.12 dev tunl0 proto bird onlink');
    await dp.plugPod!({ name: 'pod-a1', node: 'node-a', address: '10.244.0.10' }, node, view);
    expect(lines.find((l) => l.startsWith('ip link add cali'))).toMatch(/ mtu 1480 type veth peer name eth0 mtu 1480 /);
    expect(dp.features).toContain('ipip');
  });

  it('without IPIP: blocks routed over eth0, pods at the underlay MTU, and the datapath says ipip-unavailable', async () => {
    const dp = calicoIpipDatapath({ blocks: { 'node-a': '10.244.0.0/26', 'node-b': '10.244.0.64/26' }, uplink: 'eth0', underlayMtu: 1500 });
    const { node, lines } = fakeNode('node-a', 'no-ipip');
    await dp.setupNode!(node, view);
    expect(lines).toContain('ip route add 10.244.0.64/26 via 172.30.0.12 dev eth0 proto bird');
    expect(lines.some((l) => l.includes('tunl0 mtu'))).toBe(false);
    await dp.plugPod!({ name: 'pod-a1', node: 'node-a', address: '10.244.0.10' }, node, view);
    expect(lines.find((l) => l.startsWith('ip link add cali'))).toMatch(/ mtu 1500 /);
    expect(dp.features).toContain('ipip-unavailable');
  });

  it('is the profile that proves K-IPIP-1 and X-MTU-1 (1480 where tunl0 exists)', () => {
    expect(calicoIpipLab.behaviours).toEqual(expect.arrayContaining(['K-IPIP-1', 'X-MTU-1']));
  });
});
