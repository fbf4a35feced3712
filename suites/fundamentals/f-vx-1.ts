import { VX_HOSTS, VX_P2P, VX_UNDERLAY_IFACE, vxP2pLines } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import { captureWhile } from '../../helpers/probes/capture.ts';
import { probePing, rawOf } from '../../helpers/probes/net.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import { sh } from './lab-ops.ts';

export interface VxP2pView {
  sent: number;
  received: number;
  /** Packets from host-a to host-b seen on host-b's underlay. */
  packets: Array<{ dstPort?: number; vni?: number; inner: string }>;
}

const A = 'host-a';
const B = 'host-b';

/** F-VX-1: `vxlan id 5 dstport 4789 local A remote B`: the overlay pings and the underlay carries UDP 4789 with VNI 5. */
export const fVx1 = defineBehaviour<VxP2pView>({
  id: 'F-VX-1',
  title: 'point-to-point VXLAN: overlay ping, underlay UDP 4789 carrying VNI 5',
  docs: 'https://docs.kernel.org/networking/vxlan.html',
  requires: [feature('vxlan-p2p')],
  async probe(cluster) {
    const [a, b] = [cluster.node(A), cluster.node(B)];
    await sh(a, [`ip neigh flush dev ${VX_P2P.dev}`]);
    const { capture, result: ping } = await captureWhile(b, {
      iface: VX_UNDERLAY_IFACE, filter: `udp and src host ${VX_HOSTS[A]} and dst host ${VX_HOSTS[B]}`, count: 2, seconds: 4,
    }, () => probePing(a, VX_P2P.overlay[B], 2));
    return {
      raw: rawOf([[A, ping], [B, capture]]),
      value: {
        sent: ping.value?.transmitted ?? 0,
        received: ping.value?.received ?? 0,
        packets: capture.value.map((p) => ({ ...(p.dstPort !== undefined ? { dstPort: p.dstPort } : {}), ...(p.vni !== undefined ? { vni: p.vni } : {}), inner: p.inner.join(' ') })),
      },
    };
  },
  expect(v) {
    const problems: string[] = [];
    if (v.received === 0) problems.push(`${A} cannot reach ${B}'s overlay ${VX_P2P.overlay[B]} over ${VX_P2P.dev}: ${v.sent} sent, 0 received`);
    const tunnelled = v.packets.filter((p) => p.dstPort === VX_P2P.port && p.vni === VX_P2P.id);
    if (tunnelled.length === 0) {
      const seen = v.packets.map((p) => `port ${p.dstPort ?? '?'} vni ${p.vni ?? '-'}`).join(', ') || 'nothing';
      problems.push(`${B}'s underlay ${VX_UNDERLAY_IFACE} saw no UDP ${VX_P2P.port} packet carrying VNI ${VX_P2P.id} from ${VX_HOSTS[A]} (saw: ${seen}); check "ip -d link show ${VX_P2P.dev}"`);
    } else if (!tunnelled.some((p) => p.inner.includes(VX_P2P.overlay[A]))) {
      problems.push(`VNI ${VX_P2P.id} packets on ${B}'s underlay carry no frame of ${VX_P2P.overlay[A]}: ${tunnelled.map((p) => p.inner).join(' | ')}`);
    }
    return problems;
  },
  negativeControls: [
    {
      name: `${VX_P2P.dev} down on ${B}`,
      expectFailure: /cannot reach host-b's overlay 20\.1\.1\.2 over vxlan5/,
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
        const recreate = (port: number) => Promise.all(([A, B] as const).map((n) => sh(cluster.node(n), [`ip link del ${VX_P2P.dev}`, ...vxP2pLines(n, port)])));
        await recreate(8472);
        return { what: `${VX_P2P.dev} re-created with dstport 8472 on ${A} and ${B}`, undo: async () => { await recreate(VX_P2P.port); } };
      },
    },
  ],
});
