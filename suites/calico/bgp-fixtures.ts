import { readFileSync } from 'node:fs';
import { parseBirdProtocols } from '../../helpers/parsers/birdc-protocols.ts';
import { parseBirdRoutes } from '../../helpers/parsers/birdc-routes.ts';
import type { NodeBgp } from './bgp.ts';
import { blocksFromRoutes, statusFromBird } from './bgp-bird.ts';

/** `birdcl -s /var/run/calico/bird.ctl show protocols` in BIRD 1.6.8's layout (as fixtures/lab-rr/healthy/*-show-protocols.txt). */
export const birdShow = (rows: Array<[string, string, string]>) => [
  'BIRD 1.6.8 ready.',
  'name     proto    table    state  since       info',
  'static1  Static   master   up     08:51:02    ',
  'kernel1  Kernel   master   up     08:51:02    ',
  'device1  Device   master   up     08:51:02    ',
  'direct1  Direct   master   up     08:51:02    ',
  ...rows.map(([name, state, info]) => `${name} BGP      master   ${state.padEnd(6)} 08:51:06    ${info}   `),
].join('\n');

/** A node from protocol rows and kernel routes (no BIRD table). */
export const node = (name: string, ip: string, rows: Array<[string, string, string]>, routes: string): NodeBgp => ({
  node: name, address: ip, status: statusFromBird(parseBirdProtocols(birdShow(rows))), blocks: blocksFromRoutes(routes),
});

/** A node as captured on the lab (fixtures/<lab>/<state>/<node>-*.txt, real BIRD 1.6.8 output). */
export function capturedNode(lab: 'lab-rr' | 'lab-mesh', state: string, name: string, ip: string): NodeBgp {
  const read = (what: string) => readFileSync(new URL(`./fixtures/${lab}/${state}/${name}-${what}.txt`, import.meta.url), 'utf8');
  const table = parseBirdRoutes(read('show-route'));
  return {
    node: name, address: ip, status: statusFromBird(parseBirdProtocols(read('show-protocols'))), blocks: blocksFromRoutes(read('ip-route')),
    table: table.routes, unparsed: table.unparsed,
  };
}

const NODES = { 'lab-rr': ['node-rr', 'node-b', 'node-c'], 'lab-mesh': ['node-a', 'node-b', 'node-c'] };
/** Every node of a captured lab state; addresses 172.30.0.11 upwards in profile order. */
export const captured = (state: string, lab: 'lab-rr' | 'lab-mesh' = 'lab-rr') => NODES[lab].map((n, i) => capturedNode(lab, state, n, `172.30.0.${11 + i}`));
