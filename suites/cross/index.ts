import type { Behaviour } from '../types.ts';
import { xPod1 } from './x-pod-1.ts';
import { xMtu1 } from './x-mtu-1.ts';
import { xSvc1 } from './x-svc-1.ts';

/** The cross-CNI rows of BEHAVIOURS.md, in catalogue order. */
export const crossBehaviours: Behaviour<any>[] = [
  xPod1,
  xSvc1,
  xMtu1,
];
