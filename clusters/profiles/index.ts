import type { Profile } from '../types.ts';
import { labProfiles } from './lab/index.ts';

/** The profile a plain `npm run conformance` runs. */
export const DEFAULT_PROFILE = 'calico-lab';

export function allProfiles(): Profile[] {
  return [...labProfiles];
}

/** Looks a profile up by name; an unknown name lists the known ones. */
export function getProfile(name: string): Profile {
  const found = allProfiles().find((p) => p.name === name);
  if (!found) throw new Error(`profile "${name}": unknown profile; known: ${allProfiles().map((p) => p.name).sort().join(', ')}`);
  return found;
}
