import type { Behaviour } from '../types.ts';
import { cCm1 } from './c-cm-1.ts';
import { cCm2 } from './c-cm-2.ts';
import { cCm3 } from './c-cm-3.ts';
import { cCt1 } from './c-ct-1.ts';
import { cDsr1 } from './c-dsr-1.ts';
import { cHr1 } from './c-hr-1.ts';
import { cHr2 } from './c-hr-2.ts';
import { cKpr1 } from './c-kpr-1.ts';
import { cKpr2 } from './c-kpr-2.ts';
import { cMasq1 } from './c-masq-1.ts';
import { cNat1 } from './c-nat-1.ts';
import { cTun1 } from './c-tun-1.ts';

/** The cilium rows of BEHAVIOURS.md, in catalogue order. */
export const ciliumBehaviours: Behaviour<any>[] = [cKpr1, cKpr2, cHr1, cHr2, cMasq1, cTun1, cNat1, cDsr1, cCm1, cCm2, cCm3, cCt1];
