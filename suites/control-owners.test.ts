import { describe, expect, it } from 'vitest';
import { kindProfiles } from '../clusters/profiles/kind/index.ts';
import { behaviour } from './catalogue.ts';
import type { ControlOwner } from './types.ts';

/** Every negative control a kind profile runs, once. */
const kindControls = [...new Set(kindProfiles.flatMap((p) => p.behaviours))].sort()
  .flatMap((id) => behaviour(id).negativeControls.map((c) => ({ id, name: c.name, owner: c.owner })));

/** An upstream file at a tag or commit: "path/file.ext@v1.2.3", "file.go@0125a30d". */
const citesUpstream = /[\w./-]+\.\w+@(?:v?\d[\w.-]*|[0-9a-f]{7,40})\b/;

/** What is wrong with a control's owner declaration ([] = it holds). */
export function ownerProblems(owner: ControlOwner | undefined): string[] {
  if (!owner) return ['declares no owner of what it breaks'];
  const problems: string[] = [];
  if (!owner.owner.trim() || !owner.why.trim()) problems.push('owner and why must be said');
  if (owner.reverts !== 'never' && !citesUpstream.test(owner.why) && !owner.unverified) problems.push(`owner ${owner.owner} reverts ${owner.reverts}: why names no upstream file@tag (nor says what was not read)`);
  if (owner.reverts === 'periodically' && !owner.everySeconds) problems.push('a periodic owner needs its period (everySeconds)');
  if (owner.reverts === 'periodically' && (owner.breakage === 'removes' || owner.breakage === 'changes') && !owner.raceAccepted) {
    problems.push(`${owner.owner} puts back what the control ${owner.breakage === 'removes' ? 'removes' : 'changes'} every ${owner.everySeconds ?? '?'} s, racing the check: shadow it instead`);
  }
  return problems;
}

describe('every kind negative control names who owns what it breaks, and a breakage that owner cannot revert within the check', () => {
  it('covers every control of every kind profile', () => {
    expect(kindControls.length).toBeGreaterThan(40);
  });

  it.each(kindControls.map((c) => [`${c.id}: ${c.name}`, c.owner] as const))('%s', (_name, owner) => {
    expect(ownerProblems(owner)).toEqual([]);
  });

  it('refuses what K-IPIP-1 did: deleting a route BIRD re-installs every 2 s', () => {
    expect(ownerProblems({ owner: 'BIRD (calico-node)', reverts: 'periodically', everySeconds: 2, breakage: 'removes', why: 'krt.c@v0.3.3 reinstalling' }))
      .toEqual(['BIRD (calico-node) puts back what the control removes every 2 s, racing the check: shadow it instead']);
    expect(ownerProblems({ owner: 'felix', reverts: 'on-event', breakage: 'changes', why: 'set when the interface is configured' }))
      .toEqual(['owner felix reverts on-event: why names no upstream file@tag (nor says what was not read)']);
    expect(ownerProblems(undefined)).toEqual(['declares no owner of what it breaks']);
  });
});
