import { parseBirdProtocols } from '../../helpers/parsers/birdc-protocols.ts';
import type { NodeBgp } from './bgp.ts';
import { blocksFromRoutes, statusFromBird } from './bgp-bird.ts';

// Test observations for K-BGP-1/K-RR-1, shaped like BIRD 2.0.12 and iproute2 print them on a lab node.

/** `birdc -s /var/run/calico/bird.ctl show protocols` as BIRD 2.0.12 prints it on a lab node. */
export const birdShow = (rows: Array<[string, string, string]>) => [
  'BIRD 2.0.12 ready.',
  'Name       Proto      Table      State  Since         Info',
  'static1    Static     master4    up     20:41:02.115  ',
  'kernel1    Kernel     master4    up     20:41:02.115  ',
  'device1    Device     ---        up     20:41:02.115  ',
  'direct1    Direct     ---        up     20:41:02.115  ',
  ...rows.map(([name, state, info]) => `${name} BGP        ---        ${state.padEnd(6)} 20:41:04.520  ${info}`),
].join('\n');

export const node = (name: string, ip: string, rows: Array<[string, string, string]>, routes: string): NodeBgp => ({
  node: name, address: ip, status: statusFromBird(parseBirdProtocols(birdShow(rows))), blocks: blocksFromRoutes(routes),
});
