import type { ControlOwner } from './types.ts';

/**
 * The owner of a traffic fault's netfilter rules (helpers/probes/traffic-faults.ts): on kind they sit in the target
 * pod's own network namespace, which no CNI agent programs.
 */
export const targetPodRules: ControlOwner = {
  owner: 'nobody (netfilter rules inside the target pod)', reverts: 'never', breakage: 'adds',
  why: 'on kind the rule sits in the target pod\'s own network namespace, where no CNI agent programs netfilter (they program the node\'s)',
};
