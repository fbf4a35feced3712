import type { Finding } from '../clusters/doctor/types.ts';

export interface KindPreflightDeps {
  /** The doctor without the registry (clusters/doctor runDoctor({ registry: false })). */
  doctor(): Promise<Finding[]>;
  /** The run's one detection (clusters/kind/detect.ts kindUnavailable). */
  detect(): Promise<string | undefined>;
  /** The handed-down form of the verdict (detect.ts encodeVerdict). */
  encode(reason: string | undefined): string;
  verdictEnv: string;
  format(findings: Finding[]): string;
  stopping(findings: Finding[], profile: string): Finding[];
  problem(finding: Finding): boolean;
  warn(text: string): void;
}

/**
 * Before a kind profile starts: the doctor's findings that stop this profile refuse the run, each with its fix (cgroup v1
 * with Kubernetes >= 1.35 would otherwise die minutes later in kubeadm); other problems are printed; then the run's one
 * detection, whose verdict is returned as the environment handed to vitest (its main process and worker read it).
 */
export async function kindPreflight(profile: string, deps: KindPreflightDeps): Promise<Record<string, string>> {
  const findings = await deps.doctor();
  const refusals = deps.stopping(findings, profile);
  if (refusals.length > 0) throw new Error(`failed to run kind profile "${profile}": the doctor found what stops it (npm run doctor for every check):\n${deps.format(refusals)}`);
  const problems = findings.filter(deps.problem);
  if (problems.length > 0) deps.warn(`cni-conformance: doctor found (npm run doctor for every check):\n${deps.format(problems)}`);
  const reason = await deps.detect();
  if (reason) throw new Error(`failed to run kind profile "${profile}": ${reason}`);
  return { [deps.verdictEnv]: deps.encode(reason) };
}
