import type { Fault } from '../types.ts';
import { sh, waitFor } from '../exec.ts';
import { CALICO_PROFILES, hostVethOf, nodeWithTwoPods, remotePod } from '../targets.ts';
import { insertRule } from './iptables.ts';
import { flushRouteCaches } from '../../helpers/probes/traffic-faults.ts';

const readFile = async (node: { exec(argv: string[]): Promise<{ stdout: string }> }, path: string) => (await node.exec(['cat', path])).stdout.trim();

/** Calico's workload gateway: the host veth answers ARP for 169.254.1.1 and forwards what the pod sends. */
export const gatewayFaults: Fault[] = [
  {
    id: 'proxy-arp-off', title: 'proxy_arp off on a pod\'s host veth (the pod\'s neighbour cache flushed)', class: 'gateway', profiles: CALICO_PROFILES,
    injectedAt: async (cluster) => { const pod = remotePod(cluster); return [{ node: pod.node, kind: 'host-veth', device: await hostVethOf(cluster, pod), pod: pod.name }]; },
    async apply(cluster) {
      const pod = remotePod(cluster);
      const node = cluster.node(pod.node);
      const veth = await hostVethOf(cluster, pod);
      const path = `/proc/sys/net/ipv4/conf/${veth}/proxy_arp`;
      const set = async (v: string) => {
        await sh(node, `echo ${v} > ${path}`);
        await waitFor(`${node.name}: ${path} = ${v}`, async () => (await readFile(node, path)) === v);
        await pod.exec(['ip', 'neigh', 'flush', 'dev', 'eth0']);
      };
      await set('0');
      return { what: `${node.name}: proxy_arp=0 on ${veth} (pod ${pod.name})`, undo: () => set('1') };
    },
  },
  {
    id: 'gateway-drops-forwarded', title: 'the gateway answers ARP but drops everything the pod sends (FORWARD -i <host veth> DROP)', class: 'gateway', profiles: CALICO_PROFILES,
    injectedAt: async (cluster) => [{ node: remotePod(cluster).node, kind: 'filter', chain: 'FORWARD' }],
    async apply(cluster) {
      const pod = remotePod(cluster);
      return insertRule(cluster.node(pod.node), 'FORWARD', ['-i', await hostVethOf(cluster, pod), '-j', 'DROP'], 'gateway-drops-forwarded');
    },
  },
  {
    id: 'host-veth-mtu', title: 'the host end of a pod\'s veth has an MTU 200 below the pod end', class: 'mtu', profiles: CALICO_PROFILES,
    injectedAt: async (cluster) => { const pod = remotePod(cluster); return [{ node: pod.node, kind: 'host-veth', device: await hostVethOf(cluster, pod), pod: pod.name }]; },
    async apply(cluster) {
      const pod = remotePod(cluster);
      const node = cluster.node(pod.node);
      const veth = await hostVethOf(cluster, pod);
      const path = `/sys/class/net/${veth}/mtu`;
      const before = await readFile(node, path);
      const set = async (mtu: string) => {
        await sh(node, `ip link set dev ${veth} mtu ${mtu}`);
        await waitFor(`${node.name}: ${veth} mtu ${mtu}`, async () => (await readFile(node, path)) === mtu);
      };
      await set(String(Number(before) - 200));
      // The undo also forgets the smaller path MTU the pods learnt meanwhile (full-size DF pings would fail for 10 min).
      return { what: `${node.name}: ${veth} mtu ${Number(before) - 200} (pod end ${before})`, undo: async () => { await set(before); await flushRouteCaches(cluster); } };
    },
  },
  {
    id: 'route-to-wrong-veth', title: 'the node\'s /32 route to a pod points at another pod\'s veth (stale route after address reuse)', class: 'gateway', profiles: CALICO_PROFILES,
    injectedAt: async (cluster) => [{ node: nodeWithTwoPods(cluster).node.name, kind: 'route' }],
    async apply(cluster) {
      const { node, pods: [victim, other] } = nodeWithTwoPods(cluster);
      const [right, wrong] = [await hostVethOf(cluster, victim), await hostVethOf(cluster, other)];
      const address = victim.addresses[0]!;
      const point = async (dev: string) => {
        await sh(node, `ip route replace ${address}/32 dev ${dev} scope link`);
        await waitFor(`${node.name}: route ${address}/32 dev ${dev}`, async () => (await hostVethOf(cluster, victim)) === dev);
      };
      await point(wrong);
      return { what: `${node.name}: ${address}/32 dev ${wrong} (the veth of ${other.name}, not ${right})`, undo: () => point(right) };
    },
  },
];
