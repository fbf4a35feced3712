import type { Behaviour } from '../types.ts';
import { xPod1 } from './x-pod-1.ts';
import { xMtu1 } from './x-mtu-1.ts';
import { xSvc1 } from './x-svc-1.ts';

/** The cross-CNI rows of BEHAVIOURS.md, in catalogue order. */
export const crossBehaviours: Behaviour<any>[] = [
  // X-POD-1 pairs every pod with one on its own node and one on another (x-pod-1.ts is engineer H4's: needs declared here).
  { ...xPod1, needs: xPod1.needs ?? [{ kind: 'pods-on-one-node', count: 2 }, { kind: 'pods-on-nodes', count: 2 }] },
  xSvc1,
  xMtu1,
];
