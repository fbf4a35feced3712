import type { ProvisionPhase } from './types.ts';

/** Runs one provisioning phase and appends how long it took to `phases` (also when it throws: nothing is appended then). */
export async function timePhase<T>(phases: ProvisionPhase[], phase: string, steps: number, work: () => Promise<T>, clock: () => number = () => performance.now()): Promise<T> {
  const started = clock();
  const result = await work();
  phases.push({ phase, ms: Math.round(clock() - started), steps });
  return result;
}
