import { hostGwDatapath } from '../../../lab/datapaths/fundamentals/host-gw.ts';
import type { LabProfile, LabView } from '../../../lab/types.ts';
import { pollUntilDone } from '../../../../helpers/probes/poll.ts';
import { HG_BRIDGE, HG_PODS, HG_SUBNETS, VX_HOSTS, VX_P2P, VX_UNDERLAY_IFACE, vxHerLines, vxMcastLines, vxP2pLines, vxP2pPeer, type VxHost, type VxP2pHost } from './plan.ts';

// No IPv6 on the lab nodes: link-local autoconfiguration would send MLD/RS over the tunnels and into captures.
const quiet = ['sysctl -qw net.ipv6.conf.all.disable_ipv6=1', 'sysctl -qw net.ipv6.conf.default.disable_ipv6=1'];

const hostGwRoute = (node: 'host-a' | 'host-b') => {
  const other = node === 'host-a' ? 'host-b' : 'host-a';
  return `ip route add ${HG_SUBNETS[other]} via ${VX_HOSTS[other]} dev ${VX_UNDERLAY_IFACE}`;
};

/**
 * Ready once the point-to-point tunnel answers both ways: right after the build, F-VX-1's first probe saw its echo
 * requests reach the far underlay and no reply for 1 s (2 in 10 full runs with three lab files at once), never later.
 */
async function p2pAnswers(lab: LabView): Promise<void> {
  const hosts = Object.keys(VX_P2P.overlay) as VxP2pHost[];
  await pollUntilDone(`${VX_P2P.dev} answering both ways`, async () => (await Promise.all(hosts.map(async (from) => {
    const to = vxP2pPeer(from);
    const r = await lab.node(from).exec(['ping', '-n', '-c', '1', '-W', '0.5', '-I', VX_P2P.overlay[from], VX_P2P.overlay[to]]);
    return r.exitCode === 0 ? [] : [`${from} -> ${to} (${VX_P2P.overlay[to]}) over ${VX_P2P.dev}: ${r.stdout.split('\n').find((l) => l.includes('transmitted')) ?? `exit ${r.exitCode}`}`];
  }))).flat(), 20_000, 100);
}

/** Three hosts on one underlay segment: VXLAN point-to-point, multicast and head-end replication, and host-gw pods. */
export const fundVxlan: LabProfile = {
  name: 'fund-vxlan',
  description: 'notes\' VXLAN labs on a three-host segment (VNI 5 p2p, VNI 6 group 239.1.1.1, VNI 7 head-end replication) plus host-gw pod routing',
  provider: 'lab',
  cni: 'none',
  behaviours: ['F-VX-1', 'F-VX-2', 'F-VX-3', 'F-HG-1'],
  nodes: [
    { name: 'host-a', role: 'host', setup: [...quiet, ...vxP2pLines('host-a'), ...vxMcastLines('host-a'), ...vxHerLines('host-a'), hostGwRoute('host-a')] },
    { name: 'host-b', role: 'host', setup: [...quiet, ...vxP2pLines('host-b'), ...vxMcastLines('host-b'), ...vxHerLines('host-b'), hostGwRoute('host-b')] },
    { name: 'host-c', role: 'host', setup: [...quiet, ...vxMcastLines('host-c'), ...vxHerLines('host-c')] },
  ],
  links: [{
    kind: 'segment',
    name: 'underlay',
    members: (Object.keys(VX_HOSTS) as VxHost[]).map((node) => ({ node, iface: VX_UNDERLAY_IFACE, address: `${VX_HOSTS[node]}/24` })),
  }],
  pods: Object.entries(HG_PODS).map(([name, p]) => ({ name, node: p.node, address: p.address })),
  datapath: { ...hostGwDatapath({ features: ['vxlan-p2p', 'vxlan-multicast', 'vxlan-her', 'host-gw'], bridge: HG_BRIDGE, subnets: HG_SUBNETS }), ready: p2pAnswers },
};
