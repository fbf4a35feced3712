import type { Behaviour } from '../types.ts';

/** The flannel rows of BEHAVIOURS.md, in catalogue order. */
export const flannelBehaviours: Behaviour<any>[] = [];
