import { VX_HER, VX_HOSTS, herFdbLine, type VxHost } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import { parseArping } from '../../helpers/parsers/arping.ts';
import { captureDuring } from '../../helpers/probes/capture.ts';
import { probeFdb } from '../../helpers/probes/fdb.ts';
import { readBatch } from '../../helpers/probes/read-batch.ts';
import { probeLinks, rawOf, type Probed } from '../../helpers/probes/net.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import type { NegativeControl } from '../types.ts';
import { pollFor, sh } from './lab-ops.ts';

export interface VxHerView {
  /** Every host's vxlan7: its multicast group (none expected) and the remote VTEPs of its all-zero fdb entries. */
  hosts: Array<{ host: VxHost; group?: string; replicateTo: string[] }>;
  /** Every ordered pair: how many ARP broadcasts from `from` the receiver `to` captured on its vxlan7. */
  broadcasts: Array<{ from: VxHost; to: VxHost; received: number }>;
  /** Each host's ARP request for the next host's overlay address, and how many answers came back. */
  requests: Array<{ from: VxHost; target: VxHost; sent: number; received: number }>;
}

const HOSTS = Object.keys(VX_HOSTS) as VxHost[];
const others = (h: VxHost) => HOSTS.filter((o) => o !== h);
/** How long an arping waits for its answer before SIGINT (see the probe). */
const ARP_WAIT_S = 0.3;
/** host-a asks for host-b, host-b for host-c, host-c for host-a: every host sends one broadcast. */
const nextOf = (h: VxHost) => HOSTS[(HOSTS.indexOf(h) + 1) % HOSTS.length]!;

/**
 * F-VX-3: head-end replication: an ARP broadcast from every host reaches both other VTEPs through
 * static all-zero fdb entries, with no multicast group; every host's fdb is read.
 */
export const fVx3 = defineBehaviour<VxHerView>({
  id: 'F-VX-3',
  title: 'head-end replication: BUM reaches every remote VTEP without multicast',
  docs: 'https://man7.org/linux/man-pages/man8/bridge.8.html',
  requires: [feature('vxlan-her')],
  async probe(cluster) {
    const raw: Array<[string, Probed<unknown>]> = [];
    // Captures listen on every host before anything is sent (captureDuring returns from starting them only once each
    // printed "listening on"); incoming frames only (-Q in), so a host's own request does not count, and only requests
    // from the two other hosts' overlay addresses, so no other broadcast can reach the count and end a capture early.
    // A capture ends at its count, or 50 ms after the arpings returned (each waited its deadline for an answer).
    // arping -b broadcasts its request whatever the neighbour cache holds: no cached neighbour can answer for the wire.
    const specOf = (h: VxHost) => ({
      iface: VX_HER.dev, filter: `arp and ether broadcast and (${others(h).map((o) => `arp src host ${VX_HER.overlay[o]}`).join(' or ')})`,
      link: true, direction: 'in' as const, count: others(h).length, seconds: 5, settleMs: 50,
    });
    // Each host's device and fdb in one exec (readBatch), read while the captures run: reading sends nothing.
    const statics = Promise.all(HOSTS.map(async (h) => {
      const reads = await readBatch(cluster.node(h), [['ip', '-d', 'link', 'show', 'dev', VX_HER.dev], ['bridge', '-j', 'fdb', 'show', 'dev', VX_HER.dev]]);
      return Promise.all([probeLinks(reads, VX_HER.dev), probeFdb(reads, VX_HER.dev)]);
    }));
    const [{ captures, result: arpings }, read] = await Promise.all([captureDuring(HOSTS.map((h) => ({ on: cluster.node(h), spec: specOf(h) })), () =>
      Promise.all(HOSTS.map(async (from) => {
        // arping's -w takes whole seconds: SIGINT at ARP_WAIT_S ends it with its summary printed (lab: an ARP answer
        // over vxlan7 came within 2.9 ms in 32 answers at load 2-24 on 2 cores; an unanswered request waited 1 s before).
        const argv = ['timeout', '-s', 'INT', String(ARP_WAIT_S), 'arping', '-b', '-c1', '-w1', '-I', VX_HER.dev, VX_HER.overlay[nextOf(from)]];
        const r = await cluster.node(from).exec(argv);
        return { command: argv.join(' '), raw: [r.stdout, r.stderr].filter(Boolean).join('\n'), value: parseArping(r.stdout + r.stderr) };
      }))), statics]);
    const [links, fdbs] = [read.map(([l]) => l), read.map(([, f]) => f)];
    HOSTS.forEach((h, i) => raw.push([h, arpings[i]!], [`${h} capture`, captures[i]!], [h, links[i]!], [h, fdbs[i]!]));
    return {
      raw: rawOf(raw),
      value: {
        hosts: HOSTS.map((host, i) => {
          const group = links[i]!.value[0]?.vxlan?.group;
          return { host, ...(group ? { group } : {}), replicateTo: fdbs[i]!.value.filter((e) => e.allZero && e.dst).map((e) => e.dst!) };
        }),
        broadcasts: HOSTS.flatMap((to, i) => others(to).map((from) => ({
          from, to,
          received: captures[i]!.value.filter((p) => p.ethDst === 'ff:ff:ff:ff:ff:ff' && p.proto === 'ARP' && p.info.includes(`tell ${VX_HER.overlay[from]}`)).length,
        }))),
        requests: HOSTS.map((from, i) => ({ from, target: nextOf(from), sent: arpings[i]!.value.sent, received: arpings[i]!.value.received })),
      },
    };
  },
  expect(v) {
    const problems: string[] = [];
    for (const h of v.hosts) {
      if (h.group) problems.push(`${h.host}'s ${VX_HER.dev} uses multicast group ${h.group}: head-end replication must work without one`);
      for (const r of others(h.host)) {
        if (!h.replicateTo.includes(VX_HOSTS[r])) problems.push(`${h.host}'s ${VX_HER.dev} has no all-zero fdb entry for ${r} (${VX_HOSTS[r]}); add "${herFdbLine(r)}" on ${h.host}`);
      }
    }
    for (const b of v.broadcasts.filter((x) => x.received === 0)) problems.push(`${b.to} (${VX_HOSTS[b.to]}) received no ARP broadcast from ${b.from} over ${VX_HER.dev}`);
    for (const r of v.requests.filter((x) => x.received === 0)) {
      problems.push(`${r.from}'s ARP request for ${r.target}'s ${VX_HER.overlay[r.target]} over ${VX_HER.dev} got no answer (${r.sent} sent)`);
    }
    if (v.hosts.length < HOSTS.length || v.broadcasts.length < HOSTS.length * 2) problems.push(`only ${v.hosts.length} VTEPs observed, expected ${HOSTS.length}`);
    return problems;
  },
  negativeControls: (([['host-a', 'host-c'], ['host-b', 'host-c']] as const).map(([on, remote]): NegativeControl => ({
    name: `${remote}'s all-zero fdb entry removed on ${on}`,
    expectFailure: new RegExp(`${remote} \\(${VX_HOSTS[remote].replace(/\./g, '\\.')}\\) received no ARP broadcast from ${on} over vxlan7`),
    async apply(cluster: ClusterHandle) {
      const node = cluster.node(on);
      await sh(node, [herFdbLine(remote, 'del')]);
      return {
        what: `"${herFdbLine(remote, 'del')}" on ${on}`,
        async undo() {
          await sh(node, [herFdbLine(remote)]);
          await pollFor(`${on}'s all-zero fdb entry for ${remote} back`, 2_000, async () =>
            (await probeFdb(node, VX_HER.dev)).value.some((e) => e.allZero && e.dst === VX_HOSTS[remote]));
        },
      };
    },
  }))),
});
