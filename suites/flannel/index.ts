import type { Behaviour } from '../types.ts';
import { lHg1 } from './l-hg-1.ts';
import { lVx1 } from './l-vx-1.ts';

/** The flannel rows of BEHAVIOURS.md, in catalogue order. */
export const flannelBehaviours: Behaviour<any>[] = [
  lVx1,
  lHg1,
];
