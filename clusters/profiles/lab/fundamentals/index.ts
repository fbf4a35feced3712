import type { LabProfile } from '../../../lab/types.ts';

/** The notes' router and tunnel labs (F-* rows), run for real in containers. */
export const fundamentalsProfiles: LabProfile[] = [];
