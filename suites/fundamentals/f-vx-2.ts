import { VX_HOSTS, VX_MCAST, type VxHost } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import type { FdbEntry } from '../../helpers/parsers/bridge-fdb.ts';
import { probeFdb } from '../../helpers/probes/fdb.ts';
import { probePing, rawOf, type Probed } from '../../helpers/probes/net.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import { sh } from './lab-ops.ts';

export interface VxMcastView {
  hosts: Array<{ host: VxHost; groupEntry: boolean; learntBefore: string[]; learntAfter: string[] }>;
  pings: Array<{ from: VxHost; to: VxHost; sent: number; received: number }>;
}

const HOSTS = Object.keys(VX_HOSTS) as VxHost[];
const PAIRS: Array<[VxHost, VxHost]> = [['host-a', 'host-b'], ['host-a', 'host-c'], ['host-b', 'host-c']];

const learnt = (fdb: FdbEntry[]) => fdb.filter((e) => !e.allZero && e.dst).map((e) => e.dst!);

/** F-VX-2: `vxlan id 6 group 239.1.1.1`: three hosts find each other through the group and learn fdb entries from the first ping. */
export const fVx2 = defineBehaviour<VxMcastView>({
  id: 'F-VX-2',
  title: 'multicast VXLAN (VNI 6, group 239.1.1.1): hosts learn each other after the first ping',
  docs: 'https://docs.kernel.org/networking/vxlan.html',
  requires: [feature('vxlan-multicast')],
  async probe(cluster) {
    const raw: Array<[string, Probed<unknown>]> = [];
    // Down/up flushes learnt (non-permanent) fdb entries: learning starts from nothing.
    await Promise.all(HOSTS.map((h) => sh(cluster.node(h), [`ip link set ${VX_MCAST.dev} down`, `ip link set ${VX_MCAST.dev} up`, `ip neigh flush dev ${VX_MCAST.dev}`])));
    const before = await Promise.all(HOSTS.map((h) => probeFdb(cluster.node(h), VX_MCAST.dev)));
    const pings = await Promise.all(PAIRS.map(async ([from, to]) => {
      const p = await probePing(cluster.node(from), VX_MCAST.overlay[to], 2);
      raw.push([`${from} -> ${to}`, p]);
      return { from, to, sent: p.value?.transmitted ?? 0, received: p.value?.received ?? 0 };
    }));
    const after = await Promise.all(HOSTS.map((h) => probeFdb(cluster.node(h), VX_MCAST.dev)));
    HOSTS.forEach((h, i) => raw.push([`${h} before`, before[i]!], [`${h} after`, after[i]!]));
    return {
      raw: rawOf(raw),
      value: {
        pings,
        hosts: HOSTS.map((host, i) => ({
          host,
          groupEntry: after[i]!.value.some((e) => e.allZero && e.dst === VX_MCAST.group),
          learntBefore: learnt(before[i]!.value),
          learntAfter: learnt(after[i]!.value),
        })),
      },
    };
  },
  expect(v) {
    const problems: string[] = [];
    for (const p of v.pings.filter((x) => x.received === 0)) {
      problems.push(`${p.from} cannot reach ${p.to} (${VX_MCAST.overlay[p.to]}) over ${VX_MCAST.dev}: ${p.sent} sent, 0 received`);
    }
    for (const h of v.hosts) {
      if (!h.groupEntry) problems.push(`${h.host}: ${VX_MCAST.dev} has no all-zero fdb entry for group ${VX_MCAST.group}; create it with "group ${VX_MCAST.group}"`);
      if (h.learntBefore.length > 0) problems.push(`${h.host}: fdb entries before the first ping (${h.learntBefore.join(', ')}): learning cannot be shown`);
      for (const other of HOSTS.filter((o) => o !== h.host)) {
        if (!h.learntAfter.includes(VX_HOSTS[other])) problems.push(`${h.host} learnt no fdb entry for ${other} (${VX_HOSTS[other]}) after the pings (learnt: ${h.learntAfter.join(', ') || 'none'})`);
      }
    }
    if (v.hosts.length < 3) problems.push(`only ${v.hosts.length} VTEPs observed, expected 3`);
    return problems;
  },
  negativeControls: [
    {
      name: `host-c drops traffic to group ${VX_MCAST.group}`,
      expectFailure: /cannot reach host-c|learnt no fdb entry for host-c/,
      async apply(cluster) {
        const c = cluster.node('host-c');
        const rule = `INPUT -d ${VX_MCAST.group} -j DROP`;
        await sh(c, [`iptables -I ${rule}`]);
        return { what: `iptables ${rule} on host-c`, undo: async () => { await sh(c, [`iptables -D ${rule}`]); } };
      },
    },
  ],
});
