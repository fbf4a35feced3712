/** What one fault did on one profile. */
export interface FaultOutcome {
  fault: string;
  title: string;
  /** caught: at least one behaviour check failed while the fault was in effect. */
  result: 'caught' | 'missed' | 'not-applied' | 'not-recovered';
  caughtBy: string[];
  /** The problems each catching behaviour reported (first lines), or why the fault could not be applied / undone. */
  detail: Record<string, string[]>;
  error?: string;
}

export interface ProfileOutcome {
  profile: string;
  behaviours: string[];
  /** Behaviours skipped on this lab (unmet requirement), with the reason. */
  skipped: string[];
  /** Problems of the healthy cluster: when not empty, no fault was measured. */
  baseline: string[];
  faults: FaultOutcome[];
  error?: string;
}

export interface Score { caught: number; total: number }

/** caught / (caught + missed): faults that could not be applied or undone are listed, not scored. */
export function scoreOf(faults: FaultOutcome[]): Score {
  return { caught: faults.filter((f) => f.result === 'caught').length, total: faults.filter((f) => f.result === 'caught' || f.result === 'missed').length };
}

const percent = (s: Score) => (s.total === 0 ? 'n/a' : `${Math.round((100 * s.caught) / s.total)}%`);

/** The table (fault x behaviours of the profile, X where a check caught it), the scores and the missed faults. */
export function renderReport(profiles: ProfileOutcome[]): string {
  const out: string[] = [];
  for (const p of profiles) {
    out.push(`\n== ${p.profile}: behaviours ${p.behaviours.join(', ')}${p.skipped.length ? ` (skipped: ${p.skipped.join('; ')})` : ''}`);
    if (p.error) { out.push(`   not measured: ${p.error}`); continue; }
    if (p.baseline.length > 0) { out.push('   not measured: the healthy cluster fails its checks:', ...p.baseline.map((l) => `     - ${l}`)); continue; }
    const cols = p.behaviours.filter((b) => !p.skipped.some((s) => s.startsWith(`${b} `)));
    const width = Math.max(5, ...p.faults.map((f) => f.fault.length));
    out.push(`   ${'fault'.padEnd(width)}  ${cols.map((c) => c.padEnd(8)).join(' ')}  result`);
    for (const f of p.faults) {
      const cells = cols.map((c) => (f.caughtBy.includes(c) ? 'X' : '.').padEnd(8)).join(' ');
      out.push(`   ${f.fault.padEnd(width)}  ${cells}  ${f.result}${f.error ? `: ${f.error.split('\n')[0]}` : ''}`);
    }
    const s = scoreOf(p.faults);
    out.push(`   score ${p.profile}: ${s.caught}/${s.total} caught (${percent(s)})`);
  }
  const all = profiles.flatMap((p) => p.faults);
  const total = scoreOf(all);
  out.push('', 'score per profile:', ...profiles.map((p) => { const s = scoreOf(p.faults); return `  ${p.profile.padEnd(16)} ${String(s.caught).padStart(3)}/${String(s.total).padEnd(3)} ${percent(s)}${p.baseline.length || p.error ? '  (not measured)' : ''}`; }));
  out.push(`  ${'overall'.padEnd(16)} ${String(total.caught).padStart(3)}/${String(total.total).padEnd(3)} ${percent(total)}`);
  const missed = profiles.flatMap((p) => p.faults.filter((f) => f.result === 'missed').map((f) => `  ${p.profile}: ${f.fault} (${f.title})`));
  out.push('', missed.length ? `missed faults (${missed.length}):` : 'missed faults: none', ...missed);
  const other = profiles.flatMap((p) => p.faults.filter((f) => f.result === 'not-applied' || f.result === 'not-recovered').map((f) => `  ${p.profile}: ${f.fault} ${f.result}: ${f.error?.split('\n')[0] ?? ''}`));
  if (other.length) out.push('', 'not scored:', ...other);
  return out.join('\n');
}
