import { samePlace } from '../helpers/hop-trace/locate.ts';
import { hopLabel } from '../helpers/hop-trace/path.ts';
import type { HopPlace } from '../helpers/hop-trace/types.ts';

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
  /** Where the fault acts (Fault.injectedAt), read before it was applied. */
  injectedAt?: HopPlace[];
  /** The catching checks' traced failures (helpers/hop-trace): the hop each named, and whether it is an injected one. */
  located?: Array<{ what: string; text: string; at?: HopPlace; right: boolean }>;
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

/** Each traced failure of a catching check, and whether the hop it named is one where the fault was injected. */
export function judgeLocated(located: Array<{ what: string; at?: HopPlace; text: string }>, injectedAt: HopPlace[] | undefined): NonNullable<FaultOutcome['located']> {
  return located.map((l) => ({ what: l.what, text: l.text, ...(l.at ? { at: l.at } : {}), right: !!l.at && !!injectedAt?.some((p) => samePlace(p, l.at!)) }));
}

/**
 * Of the caught faults whose checks traced a failure, those whose every traced failure named a hop where the fault was
 * injected. A trace that named no hop (the loss did not reproduce, the trace broke) counts as not right.
 */
export function hopScoreOf(faults: FaultOutcome[]): Score {
  const traced = faults.filter((f) => f.result === 'caught' && f.located?.length);
  return { caught: traced.filter((f) => f.located!.every((l) => l.right)).length, total: traced.length };
}

/** The traced faults whose named hop was not (always) the injected one, with what was named and where it was injected. */
function hopMisses(p: ProfileOutcome): string[] {
  return p.faults.filter((f) => f.result === 'caught' && f.located?.length && !f.located.every((l) => l.right)).flatMap((f) => [
    `  ${p.profile}: ${f.fault}: injected at ${f.injectedAt?.map(hopLabel).join(' or ') ?? '(not read)'}`,
    ...f.located!.filter((l) => !l.right).map((l) => `    ${l.what}: ${l.text}`),
  ]);
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
  out.push('', 'named hop = injected hop (caught faults whose failing pairs were traced):',
    ...profiles.map((p) => { const s = hopScoreOf(p.faults); return `  ${p.profile.padEnd(16)} ${String(s.caught).padStart(3)}/${String(s.total).padEnd(3)} ${percent(s)}`; }));
  const misses = profiles.flatMap(hopMisses);
  if (misses.length) out.push('', 'named another hop:', ...misses);
  const missed = profiles.flatMap((p) => p.faults.filter((f) => f.result === 'missed').map((f) => `  ${p.profile}: ${f.fault} (${f.title})`));
  out.push('', missed.length ? `missed faults (${missed.length}):` : 'missed faults: none', ...missed);
  const other = profiles.flatMap((p) => p.faults.filter((f) => f.result === 'not-applied' || f.result === 'not-recovered').map((f) => `  ${p.profile}: ${f.fault} ${f.result}: ${f.error?.split('\n')[0] ?? ''}`));
  if (other.length) out.push('', 'not scored:', ...other);
  return out.join('\n');
}
