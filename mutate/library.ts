import { bgpFaults } from './faults/bgp.ts';
import { sideFaults } from './faults/fundamentals.ts';
import { gatewayFaults } from './faults/gateway.ts';
import { routingFaults } from './faults/routing.ts';
import { trafficFaults } from './faults/traffic.ts';
import { tunnelFaults } from './faults/tunnel.ts';
import type { Fault } from './types.ts';

/** Every datapath fault `npm run mutate` applies, in the order it applies them. */
export const faultLibrary: readonly Fault[] = [...trafficFaults, ...gatewayFaults, ...routingFaults, ...tunnelFaults, ...bgpFaults, ...sideFaults];

/** The faults that apply to one lab profile, optionally narrowed to some ids (unknown ids are an error). */
export function faultsFor(profile: string, only?: readonly string[]): Fault[] {
  const unknown = (only ?? []).filter((id) => !faultLibrary.some((f) => f.id === id));
  if (unknown.length > 0) throw new Error(`fault ${unknown.join(', ')}: unknown; known: ${faultLibrary.map((f) => f.id).join(', ')}`);
  return faultLibrary.filter((f) => f.profiles.includes(profile) && (!only?.length || only.includes(f.id)));
}
