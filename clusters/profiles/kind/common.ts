import type { KindNodeSpec } from '../../kind/types.ts';

/** Values every Cilium profile shares: kind-friendly, Hubble off (not under test), one operator. */
export const ciliumBase = {
  ipam: { mode: 'kubernetes' },
  image: { pullPolicy: 'IfNotPresent' },
  operator: { replicas: 1 },
  hubble: { relay: { enabled: false }, ui: { enabled: false } },
} as const;

/** One control plane and two workers: the smallest topology with same-node and cross-node pairs. */
export function threeNodes(): KindNodeSpec[] {
  return [{ role: 'control-plane' }, { role: 'worker' }, { role: 'worker' }];
}

/** kind's default pod subnet, stated explicitly so CNI configs can be cross-checked against it. */
export const kindPodSubnet = '10.244.0.0/16';
export const kindServiceSubnet = '10.96.0.0/16';

/** The cross-CNI behaviours every working pod network must show. */
export const crossBehaviours = ['X-POD-1', 'X-SVC-1', 'X-MTU-1'];
