import { VX_HER, VX_HOSTS, herFdbLine, type VxHost } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import { captureWhile } from '../../helpers/probes/capture.ts';
import { probeFdb } from '../../helpers/probes/fdb.ts';
import { probeLinks, probePing, rawOf } from '../../helpers/probes/net.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import { sh } from './lab-ops.ts';

export interface VxHerView {
  group?: string;
  /** Remote VTEPs of host-a's all-zero fdb entries. */
  replicateTo: string[];
  remotes: Array<{ host: VxHost; underlay: string; broadcasts: number }>;
}

const SENDER = 'host-a';

/** F-VX-3: head-end replication: host-a's ARP broadcast reaches every remote VTEP through static all-zero fdb entries, no multicast. */
export const fVx3 = defineBehaviour<VxHerView>({
  id: 'F-VX-3',
  title: 'head-end replication: BUM reaches every remote VTEP without multicast',
  docs: 'https://man7.org/linux/man-pages/man8/bridge.8.html',
  requires: [feature('vxlan-her')],
  async probe(cluster) {
    const a = cluster.node(SENDER);
    await sh(a, [`ip neigh flush dev ${VX_HER.dev}`]);
    const spec = { iface: VX_HER.dev, filter: 'arp and ether broadcast', count: 1, seconds: 3, link: true };
    // An ARP request for host-b's overlay address is broadcast: both remotes must get a copy.
    const { capture: capB, result: inner } = await captureWhile(cluster.node('host-b'), spec, () =>
      captureWhile(cluster.node('host-c'), spec, () => probePing(a, VX_HER.overlay['host-b'], 1)));
    const [link, fdb] = await Promise.all([probeLinks(a, VX_HER.dev), probeFdb(a, VX_HER.dev)]);
    const group = link.value[0]?.vxlan?.group;
    const count = (c: typeof capB) => c.value.filter((p) => p.ethDst === 'ff:ff:ff:ff:ff:ff' && p.proto === 'ARP' && p.info.includes(`tell ${VX_HER.overlay[SENDER]}`)).length;
    return {
      raw: rawOf([[SENDER, inner.result], ['host-b', capB], ['host-c', inner.capture], [SENDER, link], [SENDER, fdb]]),
      value: {
        ...(group ? { group } : {}),
        replicateTo: fdb.value.filter((e) => e.allZero && e.dst).map((e) => e.dst!),
        remotes: [{ host: 'host-b', underlay: VX_HOSTS['host-b'], broadcasts: count(capB) }, { host: 'host-c', underlay: VX_HOSTS['host-c'], broadcasts: count(inner.capture) }],
      },
    };
  },
  expect(v) {
    const problems: string[] = [];
    if (v.group) problems.push(`${SENDER}'s ${VX_HER.dev} uses multicast group ${v.group}: head-end replication must work without one`);
    if (v.remotes.length === 0) problems.push('no remote VTEP observed');
    for (const r of v.remotes) {
      if (!v.replicateTo.includes(r.underlay)) problems.push(`${SENDER}'s ${VX_HER.dev} has no all-zero fdb entry for ${r.host} (${r.underlay}); add "${herFdbLine(r.host)}"`);
      if (r.broadcasts === 0) problems.push(`${r.host} (${r.underlay}) received no ARP broadcast from ${SENDER} over ${VX_HER.dev}`);
    }
    return problems;
  },
  negativeControls: [
    {
      name: 'host-c\'s all-zero fdb entry removed on host-a',
      expectFailure: /host-c \(192\.168\.2\.63\) received no ARP broadcast/,
      async apply(cluster) {
        const a = cluster.node(SENDER);
        await sh(a, [herFdbLine('host-c', 'del')]);
        return { what: `"${herFdbLine('host-c', 'del')}" on ${SENDER}`, undo: async () => { await sh(a, [herFdbLine('host-c')]); } };
      },
    },
  ],
});
