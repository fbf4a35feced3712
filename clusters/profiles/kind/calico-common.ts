import type { CalicoResource } from '../../kind/types.ts';
import { kindPodSubnet } from './common.ts';

/** The one pod pool of a Calico profile; encapsulation is what the profile is about. */
export function calicoPool(encapsulation: { ipipMode: 'Always' | 'Never'; vxlanMode: 'Always' | 'Never' }): CalicoResource {
  return {
    kind: 'IPPool',
    name: 'default-ipv4-ippool',
    spec: {
      cidr: kindPodSubnet,
      blockSize: 26,
      ...encapsulation,
      natOutgoing: true,
      nodeSelector: 'all()',
    },
  };
}

/** Private AS used by every node (Calico's default). */
export const calicoAsNumber = 64512;
