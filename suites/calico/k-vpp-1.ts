import { parseEthtoolInfo } from '../../helpers/parsers/ethtool-info.ts';
import { defineBehaviour } from '../check.ts';
import { systemPods } from '../../clusters/kind/system-pods.ts';
import { kubeOf, kubectl, output } from '../kube-actions.ts';
import { cni, feature } from '../requirements.ts';
import { DOCS } from './bgp.ts';

/** VPP's CLI socket (cli-listen in calico-vpp-config of calico-vpp-kind.yaml). */
export const VPP_CLI_SOCKET = '/var/run/vpp/cli.sock';

export interface VppObservation { nodes: { node: string; driver?: string; busInfo?: string; vppInterfaces: string[] }[] }

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
    if (n.driver !== 'tun' || n.busInfo !== 'tap') problems.push(`node ${n.node}: eth0 driver ${n.driver ?? '?'} bus-info ${n.busInfo ?? '?'}, expected tun/tap (VPP owns the uplink)`);
    for (const want of ['host-eth0', 'tap0']) if (!n.vppInterfaces.includes(want)) problems.push(`node ${n.node}: VPP has no interface ${want} (has ${n.vppInterfaces.join(', ') || 'none'})`);
  }
  if (v.nodes.length === 0) problems.push('no node was probed');
  return problems;
}

export const kVpp1 = defineBehaviour<VppObservation>({
  id: 'K-VPP-1',
  title: 'VPP dataplane: uplink becomes a tap',
  docs: DOCS.vpp,
  requires: [cni('calico'), feature('vpp', 'a DaemonSet in calico-vpp-dataplane: calico-vpp-kind.yaml with the af_packet uplink')],
  async probe(cluster) {
    const { namespace, selector, container } = systemPods.calicoVppNode;
    const vppPods = await kubeOf(cluster).pods(namespace, selector, container);
    const raw: Record<string, string> = {};
    const nodes: VppObservation['nodes'] = [];
    for (const node of cluster.nodes) {
      const eth = await output(`node ${node.name}`, (a) => node.exec(a), ['ethtool', '-i', 'eth0']);
      // What `calivppctl vppctl NODE` does: vppctl in the vpp container of the node's calico-vpp-node pod.
      const pod = vppPods.find((p) => p.node === node.name);
      if (!pod) throw new Error(`node ${node.name}: no calico-vpp-node pod (${namespace}, ${selector}); is calico-vpp installed?`);
      const vpp = await output(`calico-vpp-node ${pod.name}`, (a) => pod.exec(a), ['vppctl', '-s', VPP_CLI_SOCKET, 'show', 'interface']);
      raw[`${node.name}: ethtool -i eth0`] = eth;
      raw[`${node.name}: vppctl show interface`] = vpp;
      nodes.push({ node: node.name, ...readEthtool(eth), vppInterfaces: readVppInterfaces(vpp) });
    }
    return { raw, value: { nodes } };
  },
  expect: expectVppUplink,
  negativeControls: [
    {
      // calico-vpp gives the uplink back to Linux when its vpp container stops; probed before it restarts.
      name: 'calico-vpp-node pod deleted on one node',
      async apply(cluster) {
        const node = cluster.nodes[0];
        if (!node) throw new Error(`cluster "${cluster.name}": no node`);
        await kubectl(cluster, ['-n', 'calico-vpp-dataplane', 'delete', 'pod', '-l', 'k8s-app=calico-vpp-node', '--field-selector', `spec.nodeName=${node.name}`, '--wait=false']);
        return { what: `calico-vpp-node on ${node.name} deleted`, undo: () => kubeOf(cluster).waitReady('calico-vpp-dataplane', 'daemonset/calico-vpp-node') };
      },
      expectFailure: /eth0 driver \S+ bus-info \S+, expected tun\/tap|VPP has no interface/,
    },
  ],
});
