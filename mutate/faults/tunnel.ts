import type { Fault } from '../types.ts';
import { sh, waitFor } from '../exec.ts';
import { remotePod, vtepEntries, vxlanDevice } from '../targets.ts';
import { insertRule } from './iptables.ts';

const VXLAN_CNI_PROFILES = ['calico-vxlan', 'flannel-vxlan'] as const;

/** The node of the remote pod and the other node sending to it (fund-vxlan: host-b and host-a). */
function ends(cluster: Parameters<Fault['apply']>[0]) {
  const remote = cluster.node(remotePod(cluster).node);
  const local = cluster.nodes.find((n) => n.name !== remote.name && n.role !== 'router')!;
  return { local, remote };
}

export const tunnelFaults: Fault[] = [
  {
    id: 'vxlan-port-dropped-remote', title: 'the remote node drops the VXLAN UDP port on input', class: 'tunnel', profiles: [...VXLAN_CNI_PROFILES, 'fund-vxlan'],
    // The INPUT chain sees the encapsulated packet before the VXLAN socket does.
    injectedAt: async (cluster) => [{ node: ends(cluster).remote.name, kind: 'filter', chain: 'INPUT' }],
    async apply(cluster) {
      const { remote } = ends(cluster);
      const dev = await vxlanDevice(remote);
      return insertRule(remote, 'INPUT', ['-p', 'udp', '--dport', String(dev.vxlan.dstport ?? 4789), '-j', 'DROP'], 'vxlan-port-dropped-remote');
    },
  },
  {
    id: 'vxlan-learning-on', title: 'the VXLAN device learns source MACs (the CNI creates it with nolearning)', class: 'tunnel', profiles: VXLAN_CNI_PROFILES,
    injectedAt: async (cluster) => { const { local } = ends(cluster); return [{ node: local.name, kind: 'tunnel', device: (await vxlanDevice(local)).name }]; },
    async apply(cluster) {
      const { local } = ends(cluster);
      const dev = await vxlanDevice(local);
      const set = async (learning: boolean) => {
        await sh(local, `ip link set dev ${dev.name} type vxlan ${learning ? 'learning' : 'nolearning'}`);
        await waitFor(`${local.name}: ${dev.name} ${learning ? 'learning' : 'nolearning'}`, async () => (await vxlanDevice(local)).vxlan.learning === learning);
      };
      await set(true);
      return { what: `${local.name}: ${dev.name} learning on`, undo: () => set(false) };
    },
  },
  {
    id: 'wrong-vtep-fdb', title: 'the fdb entry of the remote VTEP points at a wrong underlay address', class: 'tunnel', profiles: VXLAN_CNI_PROFILES,
    injectedAt: async (cluster) => { const { local } = ends(cluster); return [{ node: local.name, kind: 'tunnel', device: (await vxlanDevice(local)).name }]; },
    async apply(cluster) {
      const { local, remote } = ends(cluster);
      const dev = await vxlanDevice(local);
      const entry = (await vtepEntries(local, dev.name)).find((e) => remote.addresses.includes(e.dst));
      if (!entry) throw new Error(`${local.name}: no permanent fdb entry on ${dev.name} towards ${remote.name}`);
      const wrong = '172.30.0.99';
      const point = async (dst: string) => {
        await sh(local, `bridge fdb replace ${entry.mac} dev ${dev.name} dst ${dst} self permanent`);
        await waitFor(`${local.name}: fdb ${entry.mac} dev ${dev.name} dst ${dst}`, async () => (await vtepEntries(local, dev.name)).some((e) => e.mac === entry.mac && e.dst === dst));
      };
      await point(wrong);
      return { what: `${local.name}: fdb ${entry.mac} dev ${dev.name} dst ${wrong} (was ${entry.dst})`, undo: () => point(entry.dst) };
    },
  },
];
