import { VX_HOSTS, VX_P2P, VX_UNDERLAY_IFACE, vxP2pLines, vxP2pPeer, type VxP2pHost } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import { captureWhile } from '../../helpers/probes/capture.ts';
import { rawOf, type Probed } from '../../helpers/probes/net.ts';
import type { ClusterHandle, Executor } from '../../clusters/types.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import { sh } from './lab-ops.ts';
import { labPing } from './pod-traffic.ts';

export interface VxP2pDirection {
  from: VxP2pHost;
  to: VxP2pHost;
  sent: number;
  received: number;
  /** UDP packets from `from` to `to` seen on `to`'s underlay. */
  packets: Array<{ dstPort?: number; vni?: number; inner: string }>;
  /** Packets between the two overlay addresses seen bare (not encapsulated) on `to`'s underlay. */
  bare: string[];
}

export interface VxP2pView {
  directions: VxP2pDirection[];
}

const HOSTS: VxP2pHost[] = ['host-a', 'host-b'];
const [A, B] = HOSTS as [VxP2pHost, VxP2pHost];
const OVERLAYS = `host ${VX_P2P.overlay[A]} and host ${VX_P2P.overlay[B]}`;

/**
 * Learning starts from nothing on both ends: neighbours flushed, and down/up drops the learnt fdb entries
 * (vxlan_stop -> vxlan_flush keeps only permanent ones, the default remote among them; drivers/net/vxlan).
 * Otherwise a host answers through what it learnt from the other side's packets and never uses its own
 * `remote`, so a wrong remote on one side would go unseen. A device found down stays down.
 */
const FRESH = [
  `if [ -n "$(ip link show dev ${VX_P2P.dev} up)" ]; then ip link set ${VX_P2P.dev} down; ip link set ${VX_P2P.dev} up; fi`,
  `ip neigh flush dev ${VX_P2P.dev}`,
];

/** `on`, with the fresh-state lines run in the same exec before each command (one round trip, not two). */
const freshFirst = (on: Executor): Executor => ({ exec: (argv) => on.exec(['sh', '-ec', `${FRESH.join('\n')}\nexec "$@"`, 'sh', ...argv]) });

async function probeDirection(cluster: ClusterHandle, from: VxP2pHost, raw: Array<[string, Probed<unknown>]>): Promise<VxP2pDirection> {
  const to = vxP2pPeer(from);
  // Fresh state on the receiver, then its capture listens; fresh state on the sender, then the first
  // packet (the ARP request) is sent. The ping leaves from the overlay address, as overlay traffic
  // does, whatever route the kernel picks for it. The capture ends 50 ms after the ping returned (it waited
  // its lab-scale deadline for the replies: pod-traffic.ts LAB_WAIT).
  const { capture, result: ping } = await captureWhile(cluster.node(to), {
    iface: VX_UNDERLAY_IFACE, filter: `(udp and src host ${VX_HOSTS[from]} and dst host ${VX_HOSTS[to]}) or (${OVERLAYS})`, count: 4, seconds: 5, settleMs: 50, prepare: FRESH,
  }, () => labPing(freshFirst(cluster.node(from)), VX_P2P.overlay[to], { count: 3, from: VX_P2P.overlay[from] }));
  raw.push([`${from} -> ${to}`, ping], [`${to} underlay`, capture]);
  const udp = capture.value.filter((p) => p.src === VX_HOSTS[from] && p.dstPort !== undefined);
  return {
    from, to,
    sent: ping.value?.transmitted ?? 0,
    received: ping.value?.received ?? 0,
    packets: udp.map((p) => ({ ...(p.dstPort !== undefined ? { dstPort: p.dstPort } : {}), ...(p.vni !== undefined ? { vni: p.vni } : {}), inner: p.inner.join(' ') })),
    bare: capture.value.filter((p) => p.proto === 'IP' && (p.src === VX_P2P.overlay[from] || p.src === VX_P2P.overlay[to])).map((p) => `${p.proto} ${p.src} > ${p.dst}: ${p.info}`),
  };
}

/** F-VX-1: `vxlan id 5 dstport 4789 local A remote B`, both ways: each side's ping crosses UDP 4789 with VNI 5, nothing bare. */
export const fVx1 = defineBehaviour<VxP2pView>({
  id: 'F-VX-1',
  title: 'point-to-point VXLAN: overlay ping, underlay UDP 4789 carrying VNI 5',
  docs: 'https://docs.kernel.org/networking/vxlan.html',
  requires: [feature('vxlan-p2p')],
  async probe(cluster) {
    const raw: Array<[string, Probed<unknown>]> = [];
    // One direction after the other: each starts from flushed state, which the other would disturb.
    const directions = [await probeDirection(cluster, A, raw), await probeDirection(cluster, B, raw)];
    return { raw: rawOf(raw), value: { directions } };
  },
  expect(v) {
    const problems: string[] = [];
    for (const d of v.directions) {
      const over = `${d.to}'s overlay ${VX_P2P.overlay[d.to]} over ${VX_P2P.dev}`;
      if (d.received === 0) problems.push(`${d.from} cannot reach ${over}: ${d.sent} sent, 0 received`);
      else if (d.received < d.sent) problems.push(`${d.from} reaches ${over} with loss: ${d.sent} sent, ${d.received} received`);
      const tunnelled = d.packets.filter((p) => p.dstPort === VX_P2P.port && p.vni === VX_P2P.id);
      if (tunnelled.length === 0) {
        const seen = d.packets.map((p) => `port ${p.dstPort ?? '?'} vni ${p.vni ?? '-'}`).join(', ') || 'nothing';
        problems.push(`${d.to}'s underlay ${VX_UNDERLAY_IFACE} saw no UDP ${VX_P2P.port} packet carrying VNI ${VX_P2P.id} from ${VX_HOSTS[d.from]} (saw: ${seen}); check "ip -d link show ${VX_P2P.dev}" on ${d.from}`);
      } else if (!tunnelled.some((p) => p.inner.includes(VX_P2P.overlay[d.from]))) {
        problems.push(`VNI ${VX_P2P.id} packets on ${d.to}'s underlay carry no frame of ${VX_P2P.overlay[d.from]}: ${tunnelled.map((p) => p.inner).join(' | ')}`);
      }
      if (d.bare.length > 0) {
        problems.push(`${d.to}'s underlay ${VX_UNDERLAY_IFACE} carried ${d.bare.length} overlay packet(s) unencapsulated while ${d.from} pinged (${d.bare[0]}): a route sends overlay traffic around ${VX_P2P.dev}`);
      }
    }
    for (const from of HOSTS.filter((h) => !v.directions.some((d) => d.from === h))) problems.push(`no ping from ${from} observed`);
    return problems;
  },
  negativeControls: [
    {
      name: `${VX_P2P.dev} down on ${B}`,
      expectFailure: /host-a cannot reach host-b's overlay 20\.1\.1\.2 over vxlan5/,
      async apply(cluster) {
        const b = cluster.node(B);
        await sh(b, [`ip link set ${VX_P2P.dev} down`]);
        return { what: `${VX_P2P.dev} down on ${B}`, undo: async () => { await sh(b, [`ip link set ${VX_P2P.dev} up`]); } };
      },
    },
    {
      name: 'both VTEPs moved to dstport 8472',
      expectFailure: /saw no UDP 4789 packet carrying VNI 5/,
      async apply(cluster) {
        const recreate = (port: number) => Promise.all(HOSTS.map((n) => sh(cluster.node(n), [`ip link del ${VX_P2P.dev}`, ...vxP2pLines(n, port)])));
        await recreate(8472);
        return { what: `${VX_P2P.dev} re-created with dstport 8472 on ${A} and ${B}`, undo: async () => { await recreate(VX_P2P.port); } };
      },
    },
    {
      // host-a -> host-b still works: host-b answers through the entry it learnt from host-a's packets.
      name: `${B}'s ${VX_P2P.dev} remote pointed at host-c`,
      expectFailure: /host-b cannot reach host-a's overlay 20\.1\.1\.1 over vxlan5[\s\S]*host-a's underlay eth1 saw no UDP 4789 packet carrying VNI 5 from 192\.168\.2\.62/,
      async apply(cluster) {
        const b = cluster.node(B);
        const recreate = (remote: 'host-a' | 'host-c') => sh(b, [`ip link del ${VX_P2P.dev}`, ...vxP2pLines(B, VX_P2P.port, remote)]);
        await recreate('host-c');
        return { what: `${VX_P2P.dev} on ${B} re-created with remote ${VX_HOSTS['host-c']}`, undo: async () => { await recreate('host-a'); } };
      },
    },
    {
      // Pings still work both ways (rp_filter is 0 on the lab nodes): only the underlay capture shows it.
      name: `leftover route on ${B} sending ${VX_P2P.overlay[A]} straight over the underlay`,
      expectFailure: /host-a's underlay eth1 carried \d+ overlay packet\(s\) unencapsulated while host-b pinged/,
      async apply(cluster) {
        const b = cluster.node(B);
        const route = `${VX_P2P.overlay[A]}/32 via ${VX_HOSTS[A]} dev ${VX_UNDERLAY_IFACE}`;
        await sh(b, [`ip route add ${route}`]);
        return { what: `route ${route} on ${B}`, undo: async () => { await sh(b, [`ip route del ${route}`]); } };
      },
    },
  ],
});
