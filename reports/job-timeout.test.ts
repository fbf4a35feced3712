import { describe, expect, it } from 'vitest';
import type { Profile } from '../clusters/types.ts';
import { behaviour } from '../suites/catalogue.ts';
import { GITHUB_JOB_LIMIT_MINUTES, kindJobTimeout, kindRunBoundMinutes, POST_MINUTES, SETUP_MINUTES } from './job-timeout.ts';
import { KIND_HOOK_TIMEOUT_MS, KIND_TEST_TIMEOUT_MS } from './kind-test-timeouts.ts';

const profile = (behaviours: string[]): Profile => ({ name: 'p', description: '', provider: 'kind', cni: 'cilium', behaviours });
/** Tests vitest runs for a behaviour: its check and one per negative control. */
const tests = (id: string) => 1 + behaviour(id).negativeControls.length;

describe('kind job timeouts', () => {
  it('bound a run by both cluster hooks and every test at its own timeout, the project default where a behaviour sets none', () => {
    const hooks = 2 * KIND_HOOK_TIMEOUT_MS / 60_000;
    expect(behaviour('C-CT-1').timeoutMs).toBeGreaterThan(KIND_TEST_TIMEOUT_MS);
    expect(behaviour('X-POD-1').timeoutMs).toBeUndefined();
    expect(kindRunBoundMinutes(profile(['C-CT-1']))).toBe(hooks + tests('C-CT-1') * behaviour('C-CT-1').timeoutMs! / 60_000);
    expect(kindRunBoundMinutes(profile(['X-POD-1']))).toBe(hooks + tests('X-POD-1') * KIND_TEST_TIMEOUT_MS / 60_000);
    expect(kindRunBoundMinutes(profile(['C-CT-1', 'X-POD-1']))).toBe(kindRunBoundMinutes(profile(['C-CT-1'])) + kindRunBoundMinutes(profile(['X-POD-1'])) - hooks);
  });

  it('give the job setup + the run + the post steps; past GitHub\'s 6 h the step stops the run in time for the uploads', () => {
    expect(kindJobTimeout(profile(['C-CT-1']))).toEqual({ stepMinutes: kindRunBoundMinutes(profile(['C-CT-1'])), jobMinutes: SETUP_MINUTES + kindRunBoundMinutes(profile(['C-CT-1'])) + POST_MINUTES });
    const long = profile(Array.from({ length: 12 }, () => 'C-CT-1'));
    expect(kindRunBoundMinutes(long)).toBeGreaterThan(GITHUB_JOB_LIMIT_MINUTES);
    expect(kindJobTimeout(long)).toEqual({ stepMinutes: GITHUB_JOB_LIMIT_MINUTES - SETUP_MINUTES - POST_MINUTES, jobMinutes: GITHUB_JOB_LIMIT_MINUTES });
  });
});
