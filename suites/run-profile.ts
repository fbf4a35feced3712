import * as allure from 'allure-js-commons';
import { Status } from 'allure-js-commons';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getProfile } from '../clusters/profiles/index.ts';
import { currentRunId, removeRunSync } from '../clusters/run.ts';
import type { ClusterHandle } from '../clusters/types.ts';
import { collectDiagnostics } from '../helpers/probes/diagnostics.ts';
import { attachTopology } from '../reports/topology/attach.ts';
import { behaviour } from './catalogue.ts';
import { BehaviourFailed, checkBehaviour, unmetRequirements } from './check.ts';
import { createCluster } from './providers.ts';
import type { Behaviour, NegativeControl } from './types.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why this project's provider cannot run here; suites skip with it. */
    providerUnavailable: string;
  }
}

/** BEHAVIOURS=K-GW-1,X-POD-1 narrows a run to those ids (as does vitest's -t). */
function selected(ids: string[]): string[] {
  const only = process.env.BEHAVIOURS?.split(',').map((s) => s.trim()).filter(Boolean);
  return only?.length ? ids.filter((id) => only.includes(id)) : ids;
}

/**
 * The suite of one profile: one cluster for all its behaviours, one test per behaviour,
 * and one test per negative control showing that the check fails when the datapath is broken.
 */
export function runProfile(name: string): void {
  const profile = getProfile(name);
  describe(`${profile.name} [${profile.provider}, ${profile.cni}]`, () => {
    let cluster: ClusterHandle | undefined;
    const unavailable = inject('providerUnavailable');

    beforeAll(async () => {
      if (unavailable) return;
      const runId = currentRunId();
      // Should this worker be interrupted mid-creation, its cluster still goes; other workers' clusters of the run stay.
      process.once('exit', () => removeRunSync(runId, profile.name));
      cluster = await createCluster(profile, { runId, log: (line) => process.stderr.write(`${line}\n`), keep: process.env.KEEP === '1' });
    });
    afterAll(async () => {
      await cluster?.destroy();
    });
    attachTopology(profile, () => cluster);

    for (const id of selected(profile.behaviours)) {
      const b = behaviour(id);
      it(`${id} ${b.title}`, async (ctx) => {
        await label(b, profile.name, profile.cni, profile.provider);
        if (unavailable) return ctx.skip(unavailable);
        const live = cluster!;
        const unmet = unmetRequirements(b, live);
        if (unmet.length > 0) {
          await allure.description(`Skipped: ${unmet.join('; ')}`);
          return ctx.skip(unmet.join('; '));
        }
        const result = await allure.step(`probe ${id} on ${profile.name}`, async () => {
          const r = await checkBehaviour(b, live);
          await attachRaw(r.observation.raw);
          return r;
        });
        await allure.attachment('observation.json', JSON.stringify(result.observation.value, null, 2), 'application/json');
        for (const sub of result.observation.subtests ?? []) {
          await allure.logStep(sub.message ? `${sub.name}: ${sub.message}` : sub.name, sub.status === 'passed' ? Status.PASSED : sub.status === 'failed' ? Status.FAILED : Status.SKIPPED);
        }
        if (result.problems.length > 0) {
          await allure.step('diagnostics', async () => attachRaw(await collectDiagnostics(live)));
          throw new BehaviourFailed(id, result.problems, result.observation.raw);
        }
      });
      for (const control of b.negativeControls) {
        it(`${id} negative control: ${control.name}`, async (ctx) => {
          await label(b, profile.name, profile.cni, profile.provider, 'negative-control');
          if (unavailable) return ctx.skip(unavailable);
          const unmet = unmetRequirements(b, cluster!);
          if (unmet.length > 0) return ctx.skip(unmet.join('; '));
          await runNegativeControl(b, control, cluster!);
        });
      }
    }
  });
}

async function runNegativeControl(b: Behaviour<unknown>, control: NegativeControl, cluster: ClusterHandle): Promise<void> {
  const breakage = await allure.step(`break: ${control.name}`, () => control.apply(cluster));
  let problems: string[];
  try {
    problems = await allure.step(`${b.id} must fail while ${breakage.what}`, async () => {
      const r = await checkBehaviour(b, cluster);
      await attachRaw(r.observation.raw);
      await allure.attachment('problems.txt', r.problems.join('\n') || '(none)', 'text/plain');
      return r.problems;
    });
  } finally {
    await allure.step(`restore: ${breakage.what}`, () => breakage.undo());
  }
  expect(problems, `${b.id} still held while ${breakage.what}: the check cannot fail`).not.toEqual([]);
  expect(problems.join('\n')).toMatch(control.expectFailure);
  // Restored, the behaviour holds again: the failure came from the breakage and the undo is complete.
  const after = await allure.step(`${b.id} holds again after restoring`, () => checkBehaviour(b, cluster));
  expect(after.problems, `${b.id} did not recover after undoing "${breakage.what}"`).toEqual([]);
}

async function label(b: Behaviour<unknown>, profile: string, cni: string, provider: string, kind = 'behaviour'): Promise<void> {
  await allure.labels(
    { name: 'behaviour', value: b.id },
    { name: 'profile', value: profile },
    { name: 'cni', value: cni },
    { name: 'provider', value: provider },
    { name: 'check', value: kind },
  );
  await allure.link(b.docs, `${b.id} upstream docs`);
  await allure.parameter('profile', profile);
}

async function attachRaw(raw: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(raw)) await allure.attachment(name, text || '(empty)', 'text/plain');
}
