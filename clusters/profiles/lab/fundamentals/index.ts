import type { LabProfile } from '../../../lab/types.ts';
import { fundFrr } from './fund-frr.ts';
import { fundRouters } from './fund-routers.ts';
import { fundVxlan } from './fund-vxlan.ts';

/** The notes' router and tunnel labs (F-* rows), run for real in containers. */
export const fundamentalsProfiles: LabProfile[] = [fundVxlan, fundRouters, fundFrr];
