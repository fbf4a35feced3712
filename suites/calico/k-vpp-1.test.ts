import { describe, expect, it } from 'vitest';
import type { ClusterHandle, KubeActions, NodeHandle, PodHandle } from '../../clusters/types.ts';
import { checkBehaviour } from '../check.ts';
import { kVpp1 } from './k-vpp-1.ts';

// ethtool -i layout (ethtool's dump_drvinfo: "driver:", "version:", ..., "bus-info:"); VPP show interface lines are typed.
const ethtool = (driver: string, bus: string) => `driver: ${driver}\nversion: 1.0\nfirmware-version: \nexpansion-rom-version: \nbus-info: ${bus}\nsupports-statistics: no\n`;
const VPP_SHOW = 'host-eth0                         1      up          1500/0/0/0\ntap0                              2      up          1500/0/0/0\n';

/**
 * A calico-vpp cluster whose worker's VPP goes through what deleting its pod does: the old pod is terminating at once
 * (kube.pods leaves it out) while VPP still owns eth0 for `exitPolls` ethtool reads, then Linux has eth0 back until the
 * new pod shows after `restartListings` pod listings.
 */
function vppCluster(exitPolls: number, restartListings: number): { cluster: ClusterHandle; log: string[] } {
  const log: string[] = [];
  let phase: 'running' | 'terminating' | 'gone' | 'new' = 'running';
  let ethtoolReads = 0, listings = 0;
  const pod = (name: string, node: string): PodHandle => ({
    name, namespace: 'calico-vpp-dataplane', node, addresses: [], labels: {},
    exec: async () => ({ stdout: VPP_SHOW, stderr: '', exitCode: 0 }),
  });
  const node = (name: string, role: NodeHandle['role']): NodeHandle => ({
    name, role, addresses: [],
    exec: async () => {
      if (name !== 'w1' || phase === 'running' || phase === 'new') return { stdout: ethtool('tun', 'tap'), stderr: '', exitCode: 0 };
      if (phase === 'terminating' && ++ethtoolReads > exitPolls) phase = 'gone';
      return { stdout: phase === 'gone' ? ethtool('veth', '') : ethtool('tun', 'tap'), stderr: '', exitCode: 0 };
    },
  });
  const nodes = [node('cp', 'control-plane'), node('w1', 'worker')];
  const kube = {
    context: 'kind-vpp', workdir: '/tmp',
    async pods() {
      if (phase === 'gone' && ++listings > restartListings) phase = 'new';
      const w1 = phase === 'running' ? [pod('calico-vpp-node-old', 'w1')] : phase === 'new' ? [pod('calico-vpp-node-new', 'w1')] : [];
      return [pod('calico-vpp-node-cp', 'cp'), ...w1];
    },
    async run(argv: string[]) {
      log.push(argv.join(' '));
      if (argv.includes('delete')) phase = 'terminating';
      return { stdout: '', stderr: '', exitCode: 0 };
    },
  } as unknown as KubeActions;
  const cluster = { name: 'vpp', nodes, pods: [], kube, capabilities: { provider: 'kind' } } as unknown as ClusterHandle;
  return { cluster, log };
}

describe('K-VPP-1 negative control on a cluster whose VPP pod is replaced (issue 11 item 6)', () => {
  it('apply returns once eth0 is back with Linux; the probe judges that state instead of throwing; undo waits for the new pod', async () => {
    const { cluster, log } = vppCluster(3, 2);
    expect((await checkBehaviour(kVpp1, cluster)).problems).toEqual([]);
    const control = kVpp1.negativeControls[0]!;
    const breakage = await control.apply(cluster);
    expect(log).toEqual(['kubectl -n calico-vpp-dataplane delete pod -l k8s-app=calico-vpp-node --field-selector spec.nodeName=w1 --wait=false']);
    expect(breakage.what).toBe('calico-vpp-node calico-vpp-node-old on w1 deleted');
    const broken = await checkBehaviour(kVpp1, cluster);
    expect(broken.problems).toEqual([
      'node w1: no running calico-vpp-node pod (calico-vpp-dataplane, k8s-app=calico-vpp-node); is calico-vpp installed and VPP up?',
      'node w1: eth0 driver veth bus-info (none), expected tun/tap (VPP owns the uplink)',
    ]);
    expect(broken.problems.join('\n')).toMatch(control.expectFailure);
    await breakage.undo();
    expect((await checkBehaviour(kVpp1, cluster)).problems).toEqual([]);
  });

  it('judges a node whose pod is gone while VPP still holds eth0 (terminating) as broken, too', async () => {
    const { cluster } = vppCluster(1_000, 0);
    await cluster.kube!.run(['kubectl', 'delete', 'pod']);
    const r = await checkBehaviour(kVpp1, cluster);
    expect(r.problems).toEqual(['node w1: no running calico-vpp-node pod (calico-vpp-dataplane, k8s-app=calico-vpp-node); is calico-vpp installed and VPP up?']);
  });
});

describe('readEthtool', () => {
  it('an empty bus-info (veth) stays empty instead of taking the next line', async () => {
    const { readEthtool } = await import('./k-vpp-1.ts');
    expect(readEthtool('driver: veth\nversion: 1.0\nfirmware-version: \nexpansion-rom-version: \nbus-info: \nsupports-statistics: yes\n')).toEqual({ driver: 'veth', busInfo: '' });
  });
});
