import type { Behaviour } from '../types.ts';

/** The fundamentals rows of BEHAVIOURS.md, in catalogue order. */
export const fundamentalsBehaviours: Behaviour<any>[] = [];
