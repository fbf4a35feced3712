import type { Behaviour } from '../types.ts';
import { kGw1 } from './k-gw-1.ts';
import { kBgp1 } from './k-bgp-1.ts';
import { kIpam1 } from './k-ipam-1.ts';
import { kPool1 } from './k-pool-1.ts';
import { kRr1 } from './k-rr-1.ts';
import { kVpp1 } from './k-vpp-1.ts';
import { kVx1 } from './k-vx-1.ts';
import { kIpip1 } from './k-ipip-1.ts';

/** The Calico rows of BEHAVIOURS.md, in catalogue order. */
export const calicoBehaviours: Behaviour<any>[] = [
  kGw1,
  // kind-side behaviours
  kBgp1,
  kRr1,
  kPool1,
  kIpam1,
  kVpp1,
  // lab reference datapaths (issue 4)
  kVx1,
  kIpip1,
];
