import type { Profile } from '../types.ts';
import { kindProfiles } from './kind/index.ts';
import { labProfiles } from './lab/index.ts';

/** The profile a plain `npm run conformance` runs. */
export const DEFAULT_PROFILE = 'calico-lab';

export function allProfiles(): Profile[] {
  return [...labProfiles, ...kindProfiles];
}

/** `provider/name`: unique across providers (calico-vxlan exists on the lab and on kind). */
export const qualifiedName = (p: Profile) => `${p.provider}/${p.name}`;

/**
 * Looks a profile up by `name` or `provider/name`. A name on several providers must be qualified;
 * an unknown one lists the known ones.
 */
export function getProfile(ref: string): Profile {
  const profiles = allProfiles();
  const matches = ref.includes('/') ? profiles.filter((p) => qualifiedName(p) === ref) : profiles.filter((p) => p.name === ref);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new Error(`profile "${ref}": exists on several providers; say ${matches.map(qualifiedName).join(' or ')}`);
  throw new Error(`profile "${ref}": unknown profile; known: ${profiles.map(qualifiedName).sort().join(', ')}`);
}

/**
 * The kind profile a `name` or `kind/name` reference means (for `npm run plan`, which renders kind profiles only).
 * Same lookup as getProfile, so the names suites, matrix and conformance print are accepted here too.
 */
export function kindProfileName(ref: string): string {
  const profile = getProfile(ref.includes('/') || !allProfiles().some((p) => p.provider === 'kind' && p.name === ref) ? ref : `kind/${ref}`);
  if (profile.provider !== 'kind') {
    throw new Error(`profile "${ref}": is a ${profile.provider} profile; plans render kind profiles (known: ${allProfiles().filter((p) => p.provider === 'kind').map(qualifiedName).sort().join(', ')})`);
  }
  return profile.name;
}
