import type { Behaviour } from '../types.ts';
import { kGw1 } from './k-gw-1.ts';

/** The Calico rows of BEHAVIOURS.md, in catalogue order. */
export const calicoBehaviours: Behaviour<any>[] = [
  kGw1,
  // kind-side behaviours
];
