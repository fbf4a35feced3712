import { allProfiles, qualifiedName } from '../clusters/profiles/index.ts';
import type { Profile } from '../clusters/types.ts';
import { kindJobTimeout, type JobTimeout } from './job-timeout.ts';

/** `*` matches any run of characters except `/`; everything else is literal. */
function globRegExp(glob: string): RegExp {
  const body = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*');
  return new RegExp(`^${body}$`);
}

/**
 * The profiles named by PROFILE|PROVIDER/PROFILE|GLOB patterns (`kind/*`, `cilium-*`, `lab/calico-*`), in the
 * project's own order (lab first, then kind); no pattern selects every profile. A pattern that selects nothing is an
 * error listing the known names, before anything runs.
 */
export function selectProfiles(patterns: readonly string[], profiles: readonly Profile[] = allProfiles()): Profile[] {
  const wanted = patterns.flatMap((p) => p.split(/[\s,]+/)).filter(Boolean);
  if (wanted.length === 0) return [...profiles];
  const problems: string[] = [];
  const chosen = new Set<Profile>();
  for (const pattern of wanted) {
    // The nightly's dispatch input arrives here after `--`: something like `--provider=kind` is a mistake, not an option.
    if (pattern.startsWith('-')) { problems.push(`profile "${pattern}": starts with "-": profiles are names or globs (e.g. kind/cilium-*), never options`); continue; }
    const re = globRegExp(pattern);
    const hits = profiles.filter((p) => re.test(qualifiedName(p)) || re.test(p.name));
    if (hits.length === 0) problems.push(`profile "${pattern}": matches no profile`);
    for (const hit of hits) chosen.add(hit);
  }
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\nknown: ${profiles.map(qualifiedName).join(', ')}`);
  return profiles.filter((p) => chosen.has(p));
}

/** The suite file that runs one profile (suites/lab/NAME.lab.test.ts, suites/kind/NAME.kind.test.ts). */
export const suiteFile = (p: Profile) => `suites/${p.provider}/${p.name}.${p.provider}.test.ts`;

/** One entry of the CI's kind matrix: what the job runs and what its artifacts are called. */
export interface MatrixEntry {
  profile: string;
  provider: Profile['provider'];
  cni: Profile['cni'];
  /** The suite file the job runs. */
  file: string;
  /** Artifact-safe id: `kind-cilium-vxlan`. */
  id: string;
  /** Kind only: the profile step's and the job's timeout-minutes, from the behaviours' timeouts (reports/job-timeout.ts). */
  timeout?: JobTimeout;
}

export const matrixEntry = (p: Profile): MatrixEntry => ({
  profile: qualifiedName(p), provider: p.provider, cni: p.cni, file: suiteFile(p), id: `${p.provider}-${p.name}`,
  ...(p.provider === 'kind' ? { timeout: kindJobTimeout(p) } : {}),
});
