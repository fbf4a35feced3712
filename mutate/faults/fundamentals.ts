import { FLANNEL_SUBNET_ENV } from '../../clusters/lab/datapaths/flannel.ts';
import { HG_SUBNETS, PARP, VX_HER, VX_HOSTS, VX_P2P } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import { parseBridgeFdb } from '../../helpers/parsers/bridge-fdb.ts';
import { parseIpLink } from '../../helpers/parsers/ip-link.ts';
import type { Fault } from '../types.ts';
import { sh, succeeds, waitFor } from '../exec.ts';
import { hostVethOf, nodeWithTwoPods } from '../targets.ts';
import { insertRule } from './iptables.ts';

/** Faults of the classes issue 9 found escaping one-sided checks: the other side, the other protocol, the unpinged pod. */
export const sideFaults: Fault[] = [
  {
    id: 'unpinged-pod-cut-off', title: 'new connections (any protocol) from elsewhere to a node\'s second pod dropped; its own traffic and the replies pass', class: 'traffic',
    profiles: ['calico-lab', 'calico-bgp-mesh', 'calico-bgp-rr', 'calico-vxlan', 'calico-ipip', 'flannel-vxlan', 'flannel-host-gw'],
    injectedAt: async (cluster) => [{ node: nodeWithTwoPods(cluster).node.name, kind: 'filter', chain: 'FORWARD' }],
    async apply(cluster) {
      const { node, pods: [first, second] } = nodeWithTwoPods(cluster);
      // Everything that reaches the pod routed from another interface than its neighbour pod's (cali veth, or the flannel bridge).
      const sameNode = await hostVethOf(cluster, first);
      return insertRule(node, 'FORWARD', ['!', '-i', sameNode, '-d', `${second.addresses[0]}/32`, '-m', 'conntrack', '--ctstate', 'NEW', '-j', 'DROP'], 'unpinged-pod-cut-off');
    },
  },
  {
    id: 'subnet-env-mtu-too-large', title: 'flannel\'s subnet.env on one node says FLANNEL_MTU 1500, above flannel.1\'s MTU', class: 'mtu', profiles: ['flannel-vxlan'],
    // The MTU the CNI plugin gives the pods it plugs next on that node (their eth0 and host veth).
    injectedAt: async (cluster) => [{ node: cluster.nodes[0]!.name, kind: 'pod-eth0' }],
    async apply(cluster) {
      const node = cluster.nodes[0]!;
      const saved = await sh(node, `cat ${FLANNEL_SUBNET_ENV}`);
      const mtu = async () => /^FLANNEL_MTU=(\d+)/m.exec(await sh(node, `cat ${FLANNEL_SUBNET_ENV}`))?.[1];
      const before = await mtu();
      await sh(node, `sed -i 's/^FLANNEL_MTU=.*/FLANNEL_MTU=1500/' ${FLANNEL_SUBNET_ENV}`);
      await waitFor(`${node.name}: ${FLANNEL_SUBNET_ENV} FLANNEL_MTU=1500`, async () => (await mtu()) === '1500');
      return {
        what: `${node.name}: FLANNEL_MTU=1500 in ${FLANNEL_SUBNET_ENV} (was ${before})`,
        async undo() {
          await sh(node, `cat > ${FLANNEL_SUBNET_ENV} <<'CC_EOF'\n${saved.endsWith('\n') ? saved : `${saved}\n`}CC_EOF`);
          await waitFor(`${node.name}: FLANNEL_MTU=${before}`, async () => (await mtu()) === before);
        },
      };
    },
  },
  {
    id: 'snat-tcp-only', title: 'host-a masquerades its pods\' TCP (not ICMP) towards the other host', class: 'routing', profiles: ['fund-vxlan'],
    // A nat-table rule: no filter counter shows it; host-a's routing of its pods' TCP is what it changes.
    injectedAt: async () => [{ node: 'host-a', kind: 'route' }],
    async apply(cluster) {
      const node = cluster.node('host-a');
      const rule = ['POSTROUTING', '-s', HG_SUBNETS['host-a'], '-d', HG_SUBNETS['host-b'], '-p', 'tcp', '-j', 'MASQUERADE', '-m', 'comment', '--comment', 'cni-conformance mutate snat-tcp-only'];
      await sh(node, `iptables -t nat -I ${rule.map((w) => `'${w}'`).join(' ')}`);
      const present = () => succeeds(node, ['iptables', '-t', 'nat', '-C', ...rule]);
      await waitFor(`host-a: nat ${rule.join(' ')}`, present);
      return { what: `host-a: iptables -t nat -I ${rule.slice(0, 9).join(' ')}`, async undo() { await node.exec(['iptables', '-t', 'nat', '-D', ...rule]); await waitFor('host-a: MASQUERADE rule gone', async () => !(await present())); } };
    },
  },
  {
    id: 'vxlan-remote-wrong-on-peer', title: 'host-b\'s point-to-point VXLAN sends to a wrong remote (host-a\'s side is intact)', class: 'tunnel', profiles: ['fund-vxlan'],
    injectedAt: async () => [{ node: 'host-b', kind: 'tunnel', device: VX_P2P.dev }],
    async apply(cluster) {
      const node = cluster.node('host-b');
      const remote = async () => parseIpLink(await sh(node, `ip -d link show dev ${VX_P2P.dev}`))[0]?.vxlan?.remote;
      const set = async (address: string) => {
        await sh(node, `ip link set dev ${VX_P2P.dev} type vxlan remote ${address}`);
        await waitFor(`host-b: ${VX_P2P.dev} remote ${address}`, async () => (await remote()) === address);
      };
      await set('192.168.2.99');
      return { what: `host-b: ${VX_P2P.dev} remote 192.168.2.99 (was ${VX_HOSTS['host-a']})`, undo: () => set(VX_HOSTS['host-a']) };
    },
  },
  {
    id: 'her-entry-removed-on-host-b', title: 'host-b lost its head-end replication entry towards host-c (host-a keeps all of its own)', class: 'tunnel', profiles: ['fund-vxlan'],
    injectedAt: async () => [{ node: 'host-b', kind: 'tunnel', device: VX_HER.dev }],
    async apply(cluster) {
      const node = cluster.node('host-b');
      const dst = VX_HOSTS['host-c'];
      const has = async () => parseBridgeFdb(await sh(node, `bridge -j fdb show dev ${VX_HER.dev}`)).some((e) => e.allZero && e.dst === dst);
      await sh(node, `bridge fdb del 00:00:00:00:00:00 dev ${VX_HER.dev} dst ${dst}`);
      await waitFor(`host-b: no all-zero fdb entry to ${dst} on ${VX_HER.dev}`, async () => !(await has()));
      return {
        what: `host-b: all-zero fdb entry to ${dst} removed from ${VX_HER.dev}`,
        async undo() { await sh(node, `bridge fdb append 00:00:00:00:00:00 dev ${VX_HER.dev} dst ${dst}`); await waitFor(`host-b: all-zero fdb entry to ${dst} back`, has); },
      };
    },
  },
  {
    id: 'parp-hidden-by-permanent-neigh', title: 'r1 stops answering ARP by proxy while pc1 keeps a permanent neighbour entry for the target', class: 'gateway', profiles: ['fund-routers'],
    injectedAt: async () => [{ node: PARP.router, kind: 'underlay', device: PARP.routerIface }],
    async apply(cluster) {
      const [router, pc] = [cluster.node(PARP.router), cluster.node(PARP.pc)];
      const mac = (await sh(router, `cat /sys/class/net/${PARP.routerIface}/address`)).trim();
      const path = `/proc/sys/net/ipv4/conf/${PARP.routerIface}/proxy_arp`;
      const pcIface = 'eth1';
      await sh(pc, `ip neigh replace ${PARP.target} lladdr ${mac} dev ${pcIface} nud permanent`);
      await sh(router, `echo 0 > ${path}`);
      await waitFor(`${PARP.router}: proxy_arp 0 and ${PARP.pc}: permanent ${PARP.target}`, async () =>
        (await sh(router, `cat ${path}`)).trim() === '0' && (await sh(pc, `ip neigh show ${PARP.target} dev ${pcIface}`)).includes('PERMANENT'));
      return {
        what: `${PARP.router}: proxy_arp=0 on ${PARP.routerIface}; ${PARP.pc}: ${PARP.target} lladdr ${mac} permanent`,
        async undo() {
          await sh(router, `echo 1 > ${path}`);
          await sh(pc, `ip neigh del ${PARP.target} dev ${pcIface}`);
          await waitFor(`${PARP.router}: proxy_arp 1 and no permanent entry on ${PARP.pc}`, async () =>
            (await sh(router, `cat ${path}`)).trim() === '1' && !(await sh(pc, `ip neigh show ${PARP.target} dev ${pcIface}`)).includes('PERMANENT'));
        },
      };
    },
  },
];
