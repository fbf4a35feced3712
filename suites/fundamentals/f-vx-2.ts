import { VX_HOSTS, VX_MCAST, type VxHost } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import type { FdbEntry } from '../../helpers/parsers/bridge-fdb.ts';
import { probeFdb } from '../../helpers/probes/fdb.ts';
import { rawOf, type Probed } from '../../helpers/probes/net.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import { pingProblem, sh } from './lab-ops.ts';
import { labPing } from './pod-traffic.ts';

export interface VxMcastView {
  hosts: Array<{ host: VxHost; groupEntry: boolean; learntBefore: string[]; learntAfter: string[] }>;
  pings: Array<{ from: VxHost; to: VxHost; sent: number; received: number }>;
}

const HOSTS = Object.keys(VX_HOSTS) as VxHost[];
/**
 * Every ordered pair, in two rounds from fresh state: first "down the list" (a->b, a->c, b->c), then
 * back (b->a, c->a, c->b). Within a round no receiver also sends to its sender, so a host that
 * receives no group traffic cannot be rescued by learning from a request of its own (in one round
 * with all six, host-c's own broadcast would teach host-a its address and hide the fault).
 */
const ROUNDS: Array<Array<[VxHost, VxHost]>> = [
  HOSTS.flatMap((from, i) => HOSTS.slice(i + 1).map((to): [VxHost, VxHost] => [from, to])),
  HOSTS.flatMap((from, i) => HOSTS.slice(0, i).map((to): [VxHost, VxHost] => [from, to])),
];
const PAIRS = ROUNDS.flat();

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
    const fresh = () => Promise.all(HOSTS.map((h) => sh(cluster.node(h), [`ip link set ${VX_MCAST.dev} down`, `ip link set ${VX_MCAST.dev} up`, `ip neigh flush dev ${VX_MCAST.dev}`])));
    const round = (pairs: Array<[VxHost, VxHost]>) => Promise.all(pairs.map(async ([from, to]) => {
      const p = await labPing(cluster.node(from), VX_MCAST.overlay[to], { count: 3 });
      raw.push([`${from} -> ${to}`, p]);
      return { from, to, sent: p.value?.transmitted ?? 0, received: p.value?.received ?? 0 };
    }));
    await fresh();
    const before = await Promise.all(HOSTS.map((h) => probeFdb(cluster.node(h), VX_MCAST.dev)));
    const first = await round(ROUNDS[0]!);
    // Learning is judged on the first round: every host took part in it.
    const after = await Promise.all(HOSTS.map((h) => probeFdb(cluster.node(h), VX_MCAST.dev)));
    await fresh();
    const pings = [...first, ...await round(ROUNDS[1]!)];
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
    for (const p of v.pings) {
      const problem = pingProblem(p.from, `${p.to} (${VX_MCAST.overlay[p.to]}) over ${VX_MCAST.dev}`, p);
      if (problem) problems.push(problem);
    }
    for (const [from, to] of PAIRS.filter(([f, t]) => !v.pings.some((p) => p.from === f && p.to === t))) problems.push(`no ping from ${from} to ${to} observed`);
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
