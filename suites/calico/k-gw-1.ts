import { CALICO_GATEWAY_IP, CALICO_GATEWAY_MAC } from '../../clusters/lab/datapaths/calico-workloads.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { probeAddresses, probeLinks, probeNeighbours, probePing, probeRoutes, probeSysctl, rawOf, type Probed } from '../../helpers/probes/net.ts';
import { hostInterfaceOf } from '../../helpers/probes/workload.ts';
import { defineBehaviour } from '../check.ts';
import { cni } from '../requirements.ts';
import type { Breakage } from '../types.ts';

export interface PodGatewayView {
  pod: string;
  node: string;
  defaultRoute?: { via?: string; dev?: string };
  prefixLength?: number;
  gatewayNeighbour?: { lladdr?: string; state?: string };
  hostIface?: string;
  hostMac?: string;
  proxyArp?: string;
}

/** K-GW-1: every pod's gateway 169.254.1.1 is answered by proxy ARP on its cali veth with ee:ee:ee:ee:ee:ee. */
export const kGw1 = defineBehaviour<PodGatewayView[]>({
  id: 'K-GW-1',
  title: 'pod gateway 169.254.1.1 answered by proxy ARP with ee:ee:ee:ee:ee:ee',
  docs: 'https://docs.tigera.io/calico/latest/reference/faq#why-does-my-container-have-a-route-to-16925411',
  requires: [cni('calico')],
  needs: [{ kind: 'pods-on-nodes', count: 2 }],
  async probe(cluster) {
    const raw: Array<[string, Probed<unknown>]> = [];
    const value = await Promise.all(cluster.pods.map(async (pod) => {
      const peer = cluster.pods.find((p) => p !== pod);
      const [routes, addrs] = await Promise.all([probeRoutes(pod), probeAddresses(pod, 'eth0')]);
      // Forget the gateway's MAC, then let real traffic resolve it again through ARP.
      await pod.exec(['ip', 'neigh', 'flush', 'dev', 'eth0']);
      const ping = peer?.addresses[0] ? await probePing(pod, peer.addresses[0], 1) : undefined;
      const neigh = await probeNeighbours(pod, 'eth0');
      const host = await hostInterfaceOf(cluster, pod);
      const node = cluster.node(pod.node);
      const [link, proxyArp] = host.iface
        ? await Promise.all([probeLinks(node, host.iface), probeSysctl(node, `net/ipv4/conf/${host.iface}/proxy_arp`)])
        : [undefined, undefined];
      raw.push([pod.name, routes], [pod.name, addrs], ...(ping ? [[pod.name, ping] as [string, Probed<unknown>]] : []), [pod.name, neigh], [pod.node, host.routes]);
      if (link && proxyArp) raw.push([pod.node, link], [pod.node, proxyArp]);
      const def = routes.value.find((r) => r.dst === 'default');
      const gw = neigh.value.find((n) => n.address === CALICO_GATEWAY_IP);
      const view: PodGatewayView = { pod: pod.name, node: pod.node };
      if (def) view.defaultRoute = { ...(def.via ? { via: def.via } : {}), ...(def.dev ? { dev: def.dev } : {}) };
      const own = addrs.value.find((a) => a.address === pod.addresses[0]) ?? addrs.value[0];
      if (own) view.prefixLength = own.prefixLength;
      if (gw) view.gatewayNeighbour = { ...(gw.lladdr ? { lladdr: gw.lladdr } : {}), ...(gw.state ? { state: gw.state } : {}) };
      if (host.iface) view.hostIface = host.iface;
      const mac = link?.value[0]?.mac;
      if (mac) view.hostMac = mac;
      if (proxyArp?.value) view.proxyArp = proxyArp.value;
      return view;
    }));
    return { raw: rawOf(raw), value };
  },
  expect(pods) {
    if (pods.length === 0) return ['no pods to check'];
    return pods.flatMap((p) => {
      const problems: string[] = [];
      const where = `pod ${p.pod} on ${p.node}`;
      if (p.defaultRoute?.via !== CALICO_GATEWAY_IP || p.defaultRoute.dev !== 'eth0') {
        problems.push(`${where}: default route is ${p.defaultRoute ? `via ${p.defaultRoute.via ?? '(none)'} dev ${p.defaultRoute.dev ?? '(none)'}` : 'missing'}, expected via ${CALICO_GATEWAY_IP} dev eth0`);
      }
      if (p.prefixLength !== 32) problems.push(`${where}: address prefix is /${p.prefixLength ?? '?'}, expected /32`);
      if (p.gatewayNeighbour?.lladdr !== CALICO_GATEWAY_MAC) {
        const seen = p.gatewayNeighbour ? `lladdr ${p.gatewayNeighbour.lladdr ?? '(none)'} state ${p.gatewayNeighbour.state ?? '?'}` : 'no entry';
        problems.push(`${where}: neighbour ${CALICO_GATEWAY_IP} is ${seen}, expected lladdr ${CALICO_GATEWAY_MAC} (answered by proxy ARP)`);
      }
      if (!p.hostIface) problems.push(`${p.node}: no route to pod ${p.pod} through a host-side veth`);
      else {
        if (p.hostMac !== CALICO_GATEWAY_MAC) problems.push(`${p.node}: host veth ${p.hostIface} has MAC ${p.hostMac ?? '(none)'}, expected ${CALICO_GATEWAY_MAC}`);
        if (p.proxyArp !== '1') problems.push(`${p.node}: net.ipv4.conf.${p.hostIface}.proxy_arp = ${p.proxyArp ?? '(missing)'}, expected 1`);
      }
      return problems;
    });
  },
  negativeControls: [
    {
      name: 'proxy_arp off on the first pod\'s host veth',
      expectFailure: /proxy_arp = 0, expected 1/,
      apply: (cluster) => onFirstHostVeth(cluster, (iface) => ({
        what: `proxy_arp=0 on ${iface}`,
        set: [`sysctl -qw net.ipv4.conf.${iface}.proxy_arp=0`],
        restore: [`sysctl -qw net.ipv4.conf.${iface}.proxy_arp=1`],
      })),
    },
    {
      name: 'host veth MAC changed from ee:ee:ee:ee:ee:ee',
      expectFailure: /MAC 02:00:00:00:00:01, expected ee:ee:ee:ee:ee:ee/,
      apply: (cluster) => onFirstHostVeth(cluster, (iface) => ({
        what: `MAC 02:00:00:00:00:01 on ${iface}`,
        set: [`ip link set dev ${iface} address 02:00:00:00:00:01`],
        restore: [`ip link set dev ${iface} address ${CALICO_GATEWAY_MAC}`],
      })),
    },
  ],
});

async function onFirstHostVeth(
  cluster: ClusterHandle,
  plan: (iface: string) => { what: string; set: string[]; restore: string[] },
): Promise<Breakage> {
  const pod = cluster.pods[0];
  if (!pod) throw new Error('failed to break K-GW-1: the cluster has no pods');
  const { iface } = await hostInterfaceOf(cluster, pod);
  if (!iface) throw new Error(`failed to break K-GW-1: no host veth routes to pod ${pod.name}`);
  const node = cluster.node(pod.node);
  const steps = plan(iface);
  const sh = async (lines: string[]) => {
    const r = await node.exec(['sh', '-ec', lines.join('\n')]);
    if (r.exitCode !== 0) throw new Error(`failed to run on ${node.name}: ${lines.join('; ')}: ${r.stderr}`);
  };
  await sh(steps.set);
  return { what: `${steps.what} on ${node.name}`, undo: () => sh(steps.restore) };
}
