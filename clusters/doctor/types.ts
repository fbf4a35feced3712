/** One doctor finding: what was checked, what was seen, and for a problem how to fix it. */
export interface Finding {
  check: string;
  /** ok: fine; info: worth knowing; warn: some profiles or runs may fail; fail: kind runs will fail here. */
  status: 'ok' | 'info' | 'warn' | 'fail';
  detail: string;
  fix?: string;
  /** The kind profiles a `fail` stops; absent: every kind profile. */
  profiles?: string[];
}

/** The `fail` findings that stop this kind profile: a run refuses to start on any of them. */
export function stopping(findings: Finding[], profile: string): Finding[] {
  return findings.filter((f) => f.status === 'fail' && (!f.profiles || f.profiles.includes(profile)));
}

export const problem = (f: Finding) => f.status === 'warn' || f.status === 'fail';
