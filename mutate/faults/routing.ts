import type { Fault } from '../types.ts';
import { sh, waitFor } from '../exec.ts';
import { FORWARDING_PROFILES, links, remotePod, trafficTarget, vxlanDevice } from '../targets.ts';

export const routingFaults: Fault[] = [
  {
    id: 'forwarding-off', title: 'IPv4 forwarding off on the forwarding node (every interface)', class: 'routing', profiles: FORWARDING_PROFILES,
    // The forwarding lookup is what refuses (ip route get ... iif: "No route to host" with forwarding off).
    injectedAt: async (cluster) => [{ node: trafficTarget(cluster).node.name, kind: 'route' }],
    async apply(cluster) {
      const { node } = trafficTarget(cluster);
      // Writing ip_forward resets every interface's forwarding: keep each value to put it back as it was.
      const saved = (await sh(node, `for f in /proc/sys/net/ipv4/conf/*/forwarding; do echo "$f $(cat $f)"; done`)).trim().split('\n');
      const forward = (await sh(node, 'cat /proc/sys/net/ipv4/ip_forward')).trim();
      await sh(node, 'echo 0 > /proc/sys/net/ipv4/ip_forward');
      await waitFor(`${node.name}: net.ipv4.ip_forward = 0`, async () => (await sh(node, 'cat /proc/sys/net/ipv4/ip_forward')).trim() === '0');
      return {
        what: `${node.name}: net.ipv4.ip_forward=0`,
        async undo() {
          await sh(node, [`echo ${forward} > /proc/sys/net/ipv4/ip_forward`, ...saved.map((l) => { const [f, v] = l.split(' '); return `[ ! -e ${f} ] || echo ${v} > ${f}`; })].join('\n'));
          await waitFor(`${node.name}: every interface's forwarding as before`, async () =>
            (await sh(node, `for f in /proc/sys/net/ipv4/conf/*/forwarding; do echo "$f $(cat $f)"; done`)).trim().split('\n').every((l) => saved.includes(l)));
        },
      };
    },
  },
  {
    id: 'ip-rule-prohibit', title: 'an ip rule (priority 90) prohibits traffic to one destination; the main table is untouched', class: 'routing', profiles: FORWARDING_PROFILES,
    injectedAt: async (cluster) => [{ node: trafficTarget(cluster).node.name, kind: 'route' }],
    async apply(cluster) {
      const { node, address } = trafficTarget(cluster);
      const rule = `priority 90 to ${address}/32 prohibit`;
      const present = async () => (await sh(node, 'ip rule show')).includes(`90:\tfrom all to ${address} prohibit`);
      await sh(node, `ip rule add ${rule}`);
      await waitFor(`${node.name}: ip rule ${rule}`, present);
      return { what: `${node.name}: ip rule ${rule}`, async undo() { await sh(node, `ip rule del ${rule}`); await waitFor(`${node.name}: ip rule ${rule} gone`, async () => !(await present())); } };
    },
  },
  {
    id: 'stale-more-specific-route', title: 'a leftover /32 route sends one remote pod\'s traffic unencapsulated over the underlay (bypassing the tunnel)', class: 'tunnel',
    profiles: ['calico-vxlan', 'calico-ipip', 'flannel-vxlan'],
    injectedAt: async (cluster) => { const pod = remotePod(cluster); return [{ node: cluster.nodes.find((n) => n.name !== pod.node)!.name, kind: 'route' }]; },
    async apply(cluster) {
      const pod = remotePod(cluster);
      const local = cluster.nodes.find((n) => n.name !== pod.node)!;
      const remote = cluster.node(pod.node);
      const uplink = (await links(local)).find((l) => l.name === 'eth0') ? 'eth0' : (await vxlanDevice(local)).vxlan.dev ?? 'eth0';
      const via = remote.addresses[0]!;
      const route = `${pod.addresses[0]}/32 via ${via.split('/')[0]} dev ${uplink} onlink`;
      const has = async () => (await sh(local, `ip -4 route show ${pod.addresses[0]}/32`)).includes(`via ${via.split('/')[0]}`);
      await sh(local, `ip route add ${route}`);
      await waitFor(`${local.name}: route ${route}`, has);
      return { what: `${local.name}: ip route ${route}`, async undo() { await sh(local, `ip route del ${pod.addresses[0]}/32 via ${via.split('/')[0]} dev ${uplink}`); await waitFor(`${local.name}: route ${route} gone`, async () => !(await has())); } };
    },
  },
];
