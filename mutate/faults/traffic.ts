import type { Fault } from '../types.ts';
import { FORWARDING_PROFILES, trafficTarget } from '../targets.ts';
import { insertRule } from './iptables.ts';

/** Traffic users send, broken in the forwarding node's FORWARD chain towards one destination. */
const forwardRule = (id: string, title: string, match: string[]): Fault => ({
  id, title, class: 'traffic', profiles: FORWARDING_PROFILES,
  injectedAt: async (cluster) => [{ node: trafficTarget(cluster).node.name, kind: 'filter', chain: 'FORWARD' }],
  async apply(cluster) {
    const { node, address } = trafficTarget(cluster);
    return insertRule(node, 'FORWARD', ['-d', `${address}/32`, ...match, '-j', 'DROP'], id);
  },
});

export const trafficFaults: Fault[] = [
  forwardRule('drop-tcp', 'TCP to one destination dropped where it is forwarded (ICMP still passes)', ['-p', 'tcp']),
  forwardRule('drop-udp', 'UDP to one destination dropped where it is forwarded (ICMP still passes)', ['-p', 'udp']),
  // xt_statistic: each packet dropped with probability 0.5, as a lossy link would.
  forwardRule('loss-50', '50% of the packets to one destination dropped', ['-m', 'statistic', '--mode', 'random', '--probability', '0.5']),
  // A hop that drops what is larger than 1200 bytes: 56-byte pings pass, full-size packets die.
  { ...forwardRule('path-mtu', 'the path drops packets above 1200 bytes (below the pod MTU)', ['-m', 'length', '--length', '1201:65535']), class: 'mtu' },
];
