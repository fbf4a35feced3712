import type { Behaviour } from '../types.ts';
import { fBgp1 } from './f-bgp-1.ts';
import { fBgp2 } from './f-bgp-2.ts';
import { fHg1 } from './f-hg-1.ts';
import { fOspf1 } from './f-ospf-1.ts';
import { fParp1 } from './f-parp-1.ts';
import { fRt1 } from './f-rt-1.ts';
import { fVx1 } from './f-vx-1.ts';
import { fVx2 } from './f-vx-2.ts';
import { fVx3 } from './f-vx-3.ts';

/** The fundamentals rows of BEHAVIOURS.md, in catalogue order. */
export const fundamentalsBehaviours: Behaviour<any>[] = [fVx1, fVx2, fVx3, fHg1, fRt1, fOspf1, fBgp1, fBgp2, fParp1];
