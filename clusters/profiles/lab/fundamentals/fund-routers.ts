import { staticDatapath } from '../../../lab/datapaths/fundamentals/static.ts';
import type { LabProfile } from '../../../lab/types.ts';
import { PARP, RT, RT_HOP_ROUTES, routeLine } from './plan.ts';

const routes = (node: string) => RT_HOP_ROUTES.filter((r) => r.node === node).map((r) => routeLine(r));

/** host - r1 - r2 - host with a static route on every hop; pc1 (a /16) behind r1, which answers ARP by proxy. */
export const fundRouters: LabProfile = {
  name: 'fund-routers',
  description: 'static routes across a chain of two routers, and proxy ARP on r1 for a host whose /16 spans the other subnets',
  provider: 'lab',
  cni: 'none',
  behaviours: ['F-RT-1', 'F-PARP-1'],
  nodes: [
    { name: 'h1', role: 'host', setup: routes('h1') },
    { name: 'r1', role: 'router', setup: [
      ...routes('r1'),
      `sysctl -qw net.ipv4.conf.${PARP.routerIface}.proxy_arp=1`,
      // Answer proxied ARP at once instead of after a random delay of up to 0.8 s.
      `sysctl -qw net.ipv4.neigh.${PARP.routerIface}.proxy_delay=0`,
    ] },
    { name: 'r2', role: 'router', setup: routes('r2') },
    { name: 'h2', role: 'host', setup: routes('h2') },
    { name: 'pc1', role: 'host' },
  ],
  links: [
    { kind: 'p2p', a: { node: 'h1', iface: 'eth1', address: `${RT.h1}/24` }, b: { node: 'r1', iface: 'eth1', address: `${RT.r1h1}/24` } },
    { kind: 'p2p', a: { node: 'r1', iface: 'eth2', address: `${RT.r1r2}/24` }, b: { node: 'r2', iface: 'eth1', address: `${RT.r2r1}/24` } },
    { kind: 'p2p', a: { node: 'r2', iface: 'eth2', address: `${RT.r2h2}/24` }, b: { node: 'h2', iface: 'eth1', address: `${RT.h2}/24` } },
    { kind: 'p2p', a: { node: PARP.pc, iface: 'eth1', address: `${PARP.pcAddress}/${PARP.pcPrefix}` }, b: { node: PARP.router, iface: PARP.routerIface, address: `${PARP.routerAddress}/24` } },
  ],
  pods: [],
  datapath: staticDatapath({ features: ['router-chain', 'proxy-arp-subnets'] }),
};
