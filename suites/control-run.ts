import { monotonic, type Clock } from './convergence.ts';
import type { Breakage, NegativeControl } from './types.ts';

/**
 * Thrown by a control's `apply` that failed after it had already changed something: `undo` puts back
 * what it changed so far. `breakInSteps` throws it for you.
 */
export class PartialBreakage extends Error {
  readonly undo: () => Promise<void>;
  constructor(message: string, undo: () => Promise<void>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PartialBreakage';
    this.undo = undo;
  }
}

/** An undo that failed: the cluster is left (partly) broken. */
export class UndoFailed extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UndoFailed';
  }
}

export interface BreakStep { what: string; apply(): Promise<void>; undo(): Promise<void> }

/**
 * A breakage made of steps, each with its undo. When a step throws, the steps done so far are undone
 * (last first) through the PartialBreakage it throws; the whole undo also runs last first.
 */
export async function breakInSteps(steps: readonly BreakStep[]): Promise<Breakage> {
  const done: BreakStep[] = [];
  const undoDone = async () => {
    const failures: string[] = [];
    for (const step of [...done].reverse()) {
      try { await step.undo(); } catch (error) { failures.push(`${step.what}: ${(error as Error).message}`); }
    }
    if (failures.length > 0) throw new UndoFailed(`failed to undo ${failures.join('; ')}`);
  };
  for (const step of steps) {
    try {
      await step.apply();
    } catch (error) {
      throw new PartialBreakage(`failed at "${step.what}" (${(error as Error).message})${done.length ? ` after ${done.map((s) => s.what).join(', ')}` : ''}`, undoDone, { cause: error });
    }
    done.push(step);
  }
  return { what: steps.map((s) => s.what).join(', '), undo: undoDone };
}

/**
 * A change already made, then a wait for the broken state it names (convergence): when the wait throws, the
 * change is still in effect, so the error is a PartialBreakage carrying the change's undo.
 */
export async function awaitBroken(change: Breakage, waitingFor: string, wait: () => Promise<void>): Promise<Breakage> {
  try {
    await wait();
  } catch (error) {
    throw new PartialBreakage(`"${change.what}" was made, but waiting for ${waitingFor} failed (${(error as Error).message})`, change.undo, { cause: error });
  }
  return change;
}

/** How the suite reports: one report step per phase, and a loud line when the cluster may be left broken. */
export interface ControlReporter {
  step<T>(name: string, body: () => Promise<T>): PromiseLike<T>;
  /** Said loudly (stderr and report): the cluster may be left broken and needs a human. */
  shout(message: string): Promise<void>;
}

export interface ControlRun {
  control: NegativeControl<unknown>;
  /** What the control is applied to, for messages (e.g. the context of an attached cluster). */
  where: string;
  apply(): Promise<Breakage>;
  /** The check while broken: its problems (it may throw). */
  checkWhileBroken(breakage: Breakage): Promise<string[]>;
  /** Re-reads the cluster's live pods (after apply and after undo); absent on the lab. */
  refresh?(): Promise<void>;
  /** The cluster's settle (lab: bounds what the apply made), after apply, before the check while broken. */
  settle?(): Promise<void>;
  /**
   * How long the check while broken may take before the undo goes ahead anyway (the check is abandoned): the undo
   * must run inside the test, before the test timeout hands the broken cluster to the next test.
   */
  checkDeadlineMs?: number;
  /** The clock the break and undo times are read from (tests give a fake one). */
  clock?: Clock;
}

/** What breakCheckUndo hands back: the breakage, the check's problems while broken, and when each state was observed. */
export interface ControlOutcome {
  breakage: Breakage;
  problems: string[];
  /** From the apply's start until it returned: its poll saw the broken state in effect. */
  brokenAfterMs: number;
  /** From the undo's start until it returned: its poll saw the state before the breakage again. */
  undoneAfterMs: number;
  /** When the undo started, on the run's clock: the recovery check's heal time counts from here. */
  undoStartedAt: number;
}

/** Resolves or rejects as `work` does, or rejects after `ms` naming `what`; undefined ms = no deadline. */
function withDeadline<T>(work: Promise<T>, ms: number | undefined, what: string): Promise<T> {
  if (!ms || ms <= 0) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000}s`)), ms); });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Applies a control, runs the check while broken, and always undoes: after a check that throws, and
 * after an apply that throws part-way (through its PartialBreakage undo). An undo that fails is shouted
 * and thrown as UndoFailed, never swallowed.
 */
export async function breakCheckUndo(run: ControlRun, report: ControlReporter): Promise<ControlOutcome> {
  const { control, where } = run;
  const clock = run.clock ?? monotonic;
  let breakage: Breakage;
  const applyStartedAt = clock();
  try {
    breakage = await report.step(`break: ${control.name}`, () => run.apply());
  } catch (error) {
    return failedApply(run, report, error);
  }
  const brokenAfterMs = clock() - applyStartedAt;
  let problems: string[] | undefined;
  let checkError: unknown;
  try {
    await run.settle?.();
    await run.refresh?.();
    problems = await withDeadline(run.checkWhileBroken(breakage), run.checkDeadlineMs, `the check while "${breakage.what}"`);
  } catch (error) {
    checkError = error;
  }
  const undoStartedAt = clock();
  await undoOrShout(`restore: ${breakage.what}`, breakage.undo, `${where}: "${breakage.what}" is still in effect`, report);
  const undoneAfterMs = clock() - undoStartedAt;
  if (checkError !== undefined) throw checkError;
  await run.refresh?.();
  return { breakage, problems: problems!, brokenAfterMs, undoneAfterMs, undoStartedAt };
}

async function failedApply(run: ControlRun, report: ControlReporter, error: unknown): Promise<never> {
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof PartialBreakage) {
    await undoOrShout(`restore after the failed apply of ${run.control.name}`, error.undo, `${run.where}: the partly applied "${run.control.name}" is still in effect`, report);
    throw new Error(`negative control "${run.control.name}" failed while applying: ${message}; what it had changed was undone`, { cause: error });
  }
  await report.shout(`negative control "${run.control.name}" threw while applying on ${run.where}: ${message}. `
    + `It gave no undo for what it may already have changed: check ${run.where} for "${run.control.name}" and restore it by hand.`);
  throw error;
}

async function undoOrShout(stepName: string, undo: () => Promise<void>, leftBroken: string, report: ControlReporter): Promise<void> {
  try {
    await report.step(stepName, () => undo());
  } catch (error) {
    const message = `UNDO FAILED: ${leftBroken}; restore it by hand (${(error as Error)?.message ?? String(error)})`;
    await report.shout(message);
    throw new UndoFailed(message, { cause: error });
  }
}
