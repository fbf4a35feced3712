import { HG_PODS, HG_SUBNETS, VX_HOSTS, VX_UNDERLAY_IFACE } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import { lookupRoute } from '../../helpers/parsers/ip-route.ts';
import { captureWhile } from '../../helpers/probes/capture.ts';
import { probePing, probeRoutes, rawOf } from '../../helpers/probes/net.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import { sh } from './lab-ops.ts';

export interface HostGwView {
  route?: { dst: string; via?: string };
  sent: number;
  received: number;
  /** Source addresses of the echo requests pod-b received. */
  sources: string[];
}

const FROM = HG_PODS['pod-a'];
const TO = HG_PODS['pod-b'];
const MASQ = `POSTROUTING -s ${HG_SUBNETS['host-a']} -o ${VX_UNDERLAY_IFACE} -j MASQUERADE`;
const ROUTE = `${HG_SUBNETS['host-b']} via ${VX_HOSTS['host-b']} dev ${VX_UNDERLAY_IFACE}`;

/** F-HG-1: host-gw pod routing: pod-a reaches pod-b through `via <host-b>` and pod-b sees pod-a's own address. */
export const fHg1 = defineBehaviour<HostGwView>({
  id: 'F-HG-1',
  title: 'host-gateway pod routing without SNAT',
  docs: 'https://github.com/flannel-io/flannel/blob/master/Documentation/backends.md#host-gw',
  requires: [feature('host-gw')],
  async probe(cluster) {
    const [from, to] = [cluster.pod('pod-a'), cluster.pod('pod-b')];
    const routes = await probeRoutes(cluster.node(FROM.node));
    const { capture, result: ping } = await captureWhile(to, { iface: 'eth0', filter: `icmp[icmptype] = icmp-echo and dst host ${TO.address}`, count: 1, seconds: 4 },
      () => probePing(from, TO.address, 2));
    const route = lookupRoute(routes.value, TO.address);
    return {
      raw: rawOf([[FROM.node, routes], ['pod-a', ping], ['pod-b', capture]]),
      value: {
        ...(route ? { route: { dst: route.dst, ...(route.via ? { via: route.via } : {}) } } : {}),
        sent: ping.value?.transmitted ?? 0,
        received: ping.value?.received ?? 0,
        sources: capture.value.map((p) => p.src ?? '?'),
      },
    };
  },
  expect(v) {
    const problems: string[] = [];
    if (v.route?.via !== VX_HOSTS['host-b']) {
      problems.push(`${FROM.node} routes ${TO.address} ${v.route ? `via ${v.route.via ?? '(on-link)'} (${v.route.dst})` : 'nowhere'}, expected via host-b's ${VX_HOSTS['host-b']} (ip route add ${ROUTE})`);
    }
    if (v.received === 0) problems.push(`pod-a (${FROM.address}) cannot reach pod-b (${TO.address}): ${v.sent} sent, 0 received`);
    if (v.sources.length === 0) problems.push(`pod-b captured no echo request to ${TO.address}`);
    for (const s of new Set(v.sources.filter((x) => x !== FROM.address))) {
      problems.push(`pod-b saw source ${s}, expected pod-a's own ${FROM.address} (SNAT on the way: check iptables -t nat -S POSTROUTING on ${FROM.node})`);
    }
    return problems;
  },
  negativeControls: [
    {
      name: 'MASQUERADE of pod-a\'s subnet on host-a',
      expectFailure: /pod-b saw source 192\.168\.2\.61, expected pod-a's own 10\.244\.1\.2/,
      async apply(cluster) {
        const node = cluster.node(FROM.node);
        await sh(node, [`iptables -t nat -A ${MASQ}`]);
        return { what: `iptables -t nat ${MASQ} on ${FROM.node}`, undo: async () => { await sh(node, [`iptables -t nat -D ${MASQ}`]); } };
      },
    },
    {
      name: 'route to host-b\'s pod subnet removed on host-a',
      expectFailure: /cannot reach pod-b/,
      async apply(cluster) {
        const node = cluster.node(FROM.node);
        await sh(node, [`ip route del ${ROUTE}`]);
        return { what: `route ${ROUTE} deleted on ${FROM.node}`, undo: async () => { await sh(node, [`ip route add ${ROUTE}`]); } };
      },
    },
  ],
});
