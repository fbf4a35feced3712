import { kindProfiles } from '../profiles/kind/index.ts';
import { validateProfile } from './profile-validate.ts';
import type { KindProfile } from './types.ts';

/** A profile that failed to load: every problem in one message. */
export class ProfileError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.length === 1 ? problems[0] : `failed to load profile: ${problems.length} problems:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ProfileError';
    this.problems = problems;
  }
}

/** Load -> default -> validate, as kind loads its configs; throws one ProfileError listing every problem. */
export function loadKindProfile(name: string, catalogue: readonly KindProfile[] = kindProfiles): KindProfile {
  const found = catalogue.find((p) => p.name === name);
  if (!found) {
    const close = catalogue.filter((p) => editDistance(p.name, name) <= 3).map((p) => p.name);
    const hint = close.length > 0 ? ` (did you mean ${close.join(' or ')}?)` : '';
    throw new ProfileError([`profile "${name}": unknown profile${hint}; known: ${catalogue.map((p) => p.name).join(', ')}`]);
  }
  const profile = withDefaults(found);
  const problems = validateProfile(profile);
  if (problems.length > 0) throw new ProfileError(problems);
  return profile;
}

/** Defaults kind would apply anyway, written down so plans and checks see them. */
export function withDefaults(profile: KindProfile): KindProfile {
  return {
    ...profile,
    clusters: profile.clusters.map((c) => ({
      ...c,
      networking: { ipFamily: 'ipv4', podSubnet: '10.244.0.0/16', ...c.networking },
    })),
  };
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}
