import { parseEthtoolInfo } from '../../helpers/parsers/ethtool-info.ts';
import { defineBehaviour } from '../check.ts';
import { systemPods } from '../../clusters/kind/system-pods.ts';
import type { ClusterHandle, PodHandle } from '../../clusters/types.ts';
import { pollUntilDone } from '../../helpers/probes/poll.ts';
import { kubeOf, kubectl, output } from '../kube-actions.ts';
import type { Observation } from '../types.ts';
import { cni, feature } from '../requirements.ts';
import { DOCS } from './bgp.ts';

/** VPP's CLI socket (cli-listen in calico-vpp-config of calico-vpp-kind.yaml). */
export const VPP_CLI_SOCKET = '/var/run/vpp/cli.sock';

export interface VppObservation {
  nodes: { node: string; driver?: string; busInfo?: string; vppInterfaces: string[]; vppError?: string }[];
}

/** `ethtool -i eth0` key: value lines (an empty `bus-info: ` stays empty). */
export function readEthtool(text: string): { driver?: string; busInfo?: string } {
  const { driver, busInfo } = parseEthtoolInfo(text);
  return { ...(driver !== undefined ? { driver } : {}), ...(busInfo !== undefined ? { busInfo } : {}) };
}

/** Interface names (first column) of VPP `show interface`. */
export function readVppInterfaces(text: string): string[] {
  return [...text.matchAll(/^(\S+)\s+\d+\s+(?:up|down)\b/gm)].map((m) => m[1] ?? '');
}

/** The uplink became a tap: eth0 is a tun/tap device and VPP has host-eth0 and tap0. */
export function expectVppUplink(v: VppObservation): string[] {
  const problems: string[] = [];
  for (const n of v.nodes) {
    if (n.vppError) problems.push(`node ${n.node}: ${n.vppError}`);
    if (n.driver !== 'tun' || n.busInfo !== 'tap') problems.push(`node ${n.node}: eth0 driver ${n.driver || '(none)'} bus-info ${n.busInfo || '(none)'}, expected tun/tap (VPP owns the uplink)`);
    if (!n.vppError) for (const want of ['host-eth0', 'tap0']) if (!n.vppInterfaces.includes(want)) problems.push(`node ${n.node}: VPP has no interface ${want} (has ${n.vppInterfaces.join(', ') || 'none'})`);
  }
  if (v.nodes.length === 0) problems.push('no node was probed');
  return problems;
}

export const kVpp1 = defineBehaviour<VppObservation>({
  id: 'K-VPP-1',
  title: 'VPP dataplane: uplink becomes a tap',
  docs: DOCS.vpp,
  requires: [cni('calico'), feature('vpp', 'a DaemonSet in calico-vpp-dataplane: calico-vpp-kind.yaml with the af_packet uplink')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  probe: probeVpp,
  expect: expectVppUplink,
  // A replaced calico-vpp-node pod needs its images started, VPP up and the uplink moved again.
  convergenceMs: 180_000,
  // apply (60 s) + probe + undo (5 min) + recovery (3 min), beyond the kind project's 600 s testTimeout.
  timeoutMs: 900_000,
  negativeControls: [
    {
      // vpp-manager gives the uplink back to Linux when VPP exits: it moves eth0 back from VPP's netns and re-adds its
      // addresses and routes (vpp-manager/vpp_runner.go@v3.32.0 restoreConfiguration, uplink/af_packet.go RestoreLinux).
      // The pod tolerates every taint (calico-vpp-kind.yaml), so deleting it is the only way to stop VPP on one node;
      // the DaemonSet recreates it at once, so apply returns as soon as eth0 is Linux's again, before the new VPP takes it.
      name: 'calico-vpp-node pod deleted on one worker',
      owner: {
        owner: 'DaemonSet controller (calico-vpp-node)', reverts: 'on-event', breakage: 'removes',
        why: 'the DaemonSet recreates the pod at once, by design: apply returns as soon as eth0 is Linux\'s again (vpp-manager/vpp_runner.go@v3.32.0 restoreConfiguration), before the new VPP takes it; the check reads that window',
        unverified: 'how long the window between the old VPP giving eth0 back and the new one taking it lasts on kind was never measured',
      },
      async apply(cluster) {
        const node = cluster.nodes.find((n) => n.role === 'worker') ?? cluster.nodes[0];
        if (!node) throw new Error(`cluster "${cluster.name}": no node`);
        const { namespace, selector } = systemPods.calicoVppNode;
        const before = (await vppPods(cluster)).filter((p) => p.node === node.name).map((p) => p.name);
        await kubectl(cluster, ['-n', namespace, 'delete', 'pod', '-l', selector, '--field-selector', `spec.nodeName=${node.name}`, '--wait=false']);
        await pollUntilDone(`eth0 of ${node.name} handed back to Linux by the exiting VPP`, async () => {
          const { driver, busInfo } = readEthtool((await node.exec(['ethtool', '-i', 'eth0'])).stdout);
          return driver === 'tun' && busInfo === 'tap' ? [`eth0 is still VPP's tap (driver ${driver}, bus-info ${busInfo})`] : [];
        }, 60_000, 250);
        return {
          what: `calico-vpp-node ${before.join(', ') || '(none)'} on ${node.name} deleted`,
          undo: () => pollUntilDone(`a new calico-vpp-node pod on ${node.name} owning eth0 again`, async () => {
            const observed = (await probeVpp(cluster)).value;
            const pods = (await vppPods(cluster)).filter((p) => p.node === node.name && !before.includes(p.name));
            const problems = expectVppUplink({ nodes: observed.nodes.filter((n) => n.node === node.name) });
            return pods.length === 0 ? [`no new calico-vpp-node pod on ${node.name} yet`, ...problems] : problems;
          }, 300_000, 2_000),
        };
      },
      expectFailure: /eth0 driver \S+ bus-info \S+, expected tun\/tap|no running calico-vpp-node pod|vppctl .* exited/,
    },
  ],
});

async function vppPods(cluster: ClusterHandle): Promise<PodHandle[]> {
  const { namespace, selector, container } = systemPods.calicoVppNode;
  // kube.pods leaves out terminating pods (clusters/kind/pods.ts): a node whose VPP is stopping has none.
  return kubeOf(cluster).pods(namespace, selector, container);
}

/** Every node at once (the broken state may not last): eth0's driver, and VPP's interfaces through the node's calico-vpp-node pod. */
async function probeVpp(cluster: ClusterHandle): Promise<Observation<VppObservation>> {
  const { namespace, selector } = systemPods.calicoVppNode;
  const pods = await vppPods(cluster);
  const raw: Record<string, string> = {};
  const nodes = await Promise.all(cluster.nodes.map(async (node): Promise<VppObservation['nodes'][number]> => {
    const pod = pods.find((p) => p.node === node.name);
    // What `calivppctl vppctl NODE` does: vppctl in the vpp container of the node's calico-vpp-node pod.
    const [eth, vpp] = await Promise.all([
      output(`node ${node.name}`, (a) => node.exec(a), ['ethtool', '-i', 'eth0']),
      pod?.exec(['vppctl', '-s', VPP_CLI_SOCKET, 'show', 'interface']),
    ]);
    raw[`${node.name}: ethtool -i eth0`] = eth;
    if (vpp) raw[`${node.name}: vppctl show interface (${pod!.name})`] = vpp.stdout + vpp.stderr;
    const vppError = !pod ? `no running calico-vpp-node pod (${namespace}, ${selector}); is calico-vpp installed and VPP up?`
      : vpp && vpp.exitCode !== 0 ? `vppctl in ${pod.name} exited ${vpp.exitCode}: ${(vpp.stderr || vpp.stdout).trim().slice(0, 200)}` : undefined;
    return { node: node.name, ...readEthtool(eth), vppInterfaces: vpp && vpp.exitCode === 0 ? readVppInterfaces(vpp.stdout) : [], ...(vppError ? { vppError } : {}) };
  }));
  return { raw, value: { nodes } };
}
