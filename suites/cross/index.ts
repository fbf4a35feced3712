import type { Behaviour } from '../types.ts';
import { xPod1 } from './x-pod-1.ts';

/** The cross-CNI rows of BEHAVIOURS.md, in catalogue order. */
export const crossBehaviours: Behaviour<any>[] = [xPod1];
