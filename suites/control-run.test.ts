import { describe, expect, it } from 'vitest';
import { awaitBroken, breakCheckUndo, breakInSteps, PartialBreakage, UndoFailed, type ControlReporter, type ControlRun } from './control-run.ts';
import { describeTimings, timeRecovery } from './convergence.ts';
import type { NegativeControl } from './types.ts';

function recorder() {
  const events: string[] = [];
  const shouts: string[] = [];
  const report: ControlReporter = {
    step: async (name, body) => { events.push(`step ${name}`); return body(); },
    shout: async (m) => { shouts.push(m); },
  };
  return { events, shouts, report };
}

const control: NegativeControl = { name: 'route to the peer block deleted', apply: async () => { throw new Error('unused'); }, expectFailure: /x/ };

function run(overrides: Partial<ControlRun>, events: string[]): ControlRun {
  return {
    control, where: 'cluster "prod"',
    apply: async () => ({ what: 'route deleted', undo: async () => { events.push('undo'); } }),
    checkWhileBroken: async () => { events.push('check'); return ['route missing']; },
    refresh: async () => { events.push('refresh'); },
    ...overrides,
  };
}

describe('a negative control always undoes', () => {
  it('applies, refreshes the pods, checks, undoes, refreshes again', async () => {
    const { events, report } = recorder();
    const r = await breakCheckUndo(run({}, events), report);
    expect(r.problems).toEqual(['route missing']);
    expect(events).toEqual(['step break: route to the peer block deleted', 'refresh', 'check', 'step restore: route deleted', 'undo', 'refresh']);
  });

  it('settles the cluster (lab: bounds what the apply made) before the check while broken', async () => {
    const { events, report } = recorder();
    await breakCheckUndo(run({ settle: async () => { events.push('settle'); } }, events), report);
    expect(events.slice(0, 3)).toEqual(['step break: route to the peer block deleted', 'settle', 'refresh']);
    expect(events.filter((e) => e === 'settle')).toHaveLength(1);
  });

  it('undoes when the check throws, and rethrows the check error', async () => {
    const { events, report } = recorder();
    await expect(breakCheckUndo(run({ checkWhileBroken: async () => { throw new Error('exec closed'); } }, events), report)).rejects.toThrow('exec closed');
    expect(events).toContain('undo');
  });

  it('undoes what an apply changed before it failed part-way', async () => {
    const { events, shouts, report } = recorder();
    const undone: string[] = [];
    const apply = () => breakInSteps([
      { what: 'IPPool a disabled', apply: async () => {}, undo: async () => { undone.push('a'); } },
      { what: 'IPPool b disabled', apply: async () => {}, undo: async () => { undone.push('b'); } },
      { what: 'pod replaced', apply: async () => { throw new Error('timed out'); }, undo: async () => { undone.push('never'); } },
    ]);
    await expect(breakCheckUndo(run({ apply }, events), report)).rejects.toThrow(
      'negative control "route to the peer block deleted" failed while applying: failed at "pod replaced" (timed out) after IPPool a disabled, IPPool b disabled; what it had changed was undone');
    expect(undone).toEqual(['b', 'a']);
    expect(events).not.toContain('check');
    expect(shouts).toEqual([]);
  });

  it('says loudly when an apply throws without an undo', async () => {
    const { shouts, report } = recorder();
    await expect(breakCheckUndo(run({ apply: async () => { throw new Error('boom'); } }, []), report)).rejects.toThrow('boom');
    expect(shouts).toEqual([expect.stringMatching(/threw while applying on cluster "prod": boom\. It gave no undo .*restore it by hand/)]);
  });

  it('says loudly when the undo fails, and fails with UndoFailed', async () => {
    const { shouts, report } = recorder();
    const apply = async () => ({ what: 'route deleted', undo: async () => { throw new Error('RTNETLINK answers: Network is unreachable'); } });
    const error = await breakCheckUndo(run({ apply }, []), report).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UndoFailed);
    expect(shouts).toEqual(['UNDO FAILED: cluster "prod": "route deleted" is still in effect; restore it by hand (RTNETLINK answers: Network is unreachable)']);
  });

  it('says loudly when the undo of a part-way apply fails', async () => {
    const { shouts, report } = recorder();
    const apply = async () => { throw new PartialBreakage('half done', async () => { throw new Error('gone'); }); };
    await expect(breakCheckUndo(run({ apply }, []), report)).rejects.toBeInstanceOf(UndoFailed);
    expect(shouts[0]).toMatch(/^UNDO FAILED: cluster "prod": the partly applied "route to the peer block deleted" is still in effect/);
  });

  it('a whole stepwise breakage undoes last first', async () => {
    const undone: string[] = [];
    const b = await breakInSteps([
      { what: 'a', apply: async () => {}, undo: async () => { undone.push('a'); } },
      { what: 'b', apply: async () => {}, undo: async () => { undone.push('b'); } },
    ]);
    expect(b.what).toBe('a, b');
    await b.undo();
    expect(undone).toEqual(['b', 'a']);
  });

  it('a change whose convergence wait fails is undone', async () => {
    const { events, report } = recorder();
    const apply = () => awaitBroken({ what: 'KUBE-SERVICES flushed', undo: async () => { events.push('undo'); } }, 'kube-proxy to stop answering', async () => { throw new Error('still answering after 30s'); });
    await expect(breakCheckUndo(run({ apply }, events), report)).rejects.toThrow('"KUBE-SERVICES flushed" was made, but waiting for kube-proxy to stop answering failed (still answering after 30s); what it had changed was undone');
    expect(events).toContain('undo');
  });

  it('undoes when the check while broken hangs past its deadline', async () => {
    const { events, report } = recorder();
    const hang = () => new Promise<string[]>(() => {});
    await expect(breakCheckUndo(run({ checkWhileBroken: hang, checkDeadlineMs: 50 }, events), report)).rejects.toThrow('the check while "route deleted" did not finish within 0.05s');
    expect(events).toContain('undo');
  });
});

describe('a negative control times its break and its heal', () => {
  /** A clock that each phase moves by a known amount: apply 800 ms, check 3 s, undo 300 ms, recovery 2.1 s. */
  function timedRun() {
    let now = 1_000;
    const { report } = recorder();
    const r = run({
      clock: () => now,
      apply: async () => { now += 800; return { what: 'route deleted', undo: async () => { now += 300; } }; },
      checkWhileBroken: async () => { now += 3_000; return ['route missing']; },
    }, []);
    return { r, report, advance: (ms: number) => { now += ms; }, clock: () => now };
  }

  it('broken after the apply returned, undone after the undo returned, healed once the recovery check held', async () => {
    const { r, report, advance, clock } = timedRun();
    const outcome = await breakCheckUndo(r, report);
    expect(outcome).toMatchObject({ brokenAfterMs: 800, undoneAfterMs: 300, undoStartedAt: 1_000 + 800 + 3_000 });
    const healed = await timeRecovery(outcome.undoStartedAt, async () => { advance(2_100); return []; }, clock);
    expect(healed).toEqual({ problems: [], healedAfterMs: 300 + 2_100 });
    expect(describeTimings({ brokenAfterMs: outcome.brokenAfterMs, undoneAfterMs: outcome.undoneAfterMs, healedAfterMs: healed.healedAfterMs!, deadlineMs: 60_000 }))
      .toBe('broken after 800 ms, healed after 2.4 s of 60 s');
  });

  it('a recovery that never held has no heal time, and says so', async () => {
    const { r, report, advance, clock } = timedRun();
    const outcome = await breakCheckUndo(r, report);
    const left = await timeRecovery(outcome.undoStartedAt, async () => { advance(60_000); return ['still broken']; }, clock);
    expect(left).toEqual({ problems: ['still broken'] });
    expect(describeTimings({ brokenAfterMs: 800, undoneAfterMs: 300, deadlineMs: 60_000 })).toBe('broken after 800 ms, not healed within 60 s');
  });
});
