import { expect, test } from 'vitest';
import { timePhase, timeStep } from './phases.ts';
import type { ProvisionPhase } from './types.ts';

/** A clock that moves by the next of `costs` each time work runs. */
function fakeClock(costs: number[]) {
  let now = 0;
  return { clock: () => now, work: async () => { now += costs.shift() ?? 0; } };
}

test('timeStep counts consecutive steps of one phase together and keeps the clock\'s ms unrounded', async () => {
  const phases: ProvisionPhase[] = [];
  const { clock, work } = fakeClock([1.25, 2.5, 0.75, 3]);
  for (const phase of ['downloads', 'downloads', 'cluster up', 'downloads']) await timeStep(phases, phase, 1, work, clock);
  expect(phases).toEqual([{ phase: 'downloads', ms: 3.75, steps: 2 }, { phase: 'cluster up', ms: 0.75, steps: 1 }, { phase: 'downloads', ms: 3, steps: 1 }]);
});

test('timePhase appends whole ms, and nothing when the work throws', async () => {
  const phases: ProvisionPhase[] = [];
  const { clock, work } = fakeClock([1.6]);
  expect(await timePhase(phases, 'lab image', 1, async () => { await work(); return 'tag'; }, clock)).toBe('tag');
  await expect(timePhase(phases, 'nodes up', 3, () => Promise.reject(new Error('no docker')), clock)).rejects.toThrow('no docker');
  expect(phases).toEqual([{ phase: 'lab image', ms: 2, steps: 1 }]);
});
