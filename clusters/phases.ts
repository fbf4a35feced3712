import type { ProvisionPhase } from './types.ts';

/**
 * Runs one step of a provisioning phase and adds how long it took to `phases`: to the last entry when that is the same
 * phase (consecutive steps of one phase count together), else as a new entry. Nothing is added when it throws. The ms
 * stay as the clock gives them: round once all steps ran (timePhase rounds each phase it times).
 */
export async function timeStep<T>(phases: ProvisionPhase[], phase: string, steps: number, work: () => Promise<T>, clock: () => number = () => performance.now()): Promise<T> {
  const started = clock();
  const result = await work();
  const ms = clock() - started;
  const last = phases.at(-1);
  if (last?.phase === phase) { last.ms += ms; last.steps += steps; } else phases.push({ phase, ms, steps });
  return result;
}

/** Runs one provisioning phase and appends how long it took to `phases`, in whole ms (also when it throws: nothing is appended then). */
export async function timePhase<T>(phases: ProvisionPhase[], phase: string, steps: number, work: () => Promise<T>, clock: () => number = () => performance.now()): Promise<T> {
  const result = await timeStep(phases, phase, steps, work, clock);
  const last = phases.at(-1)!;
  last.ms = Math.round(last.ms);
  return result;
}
