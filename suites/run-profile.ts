import * as allure from 'allure-js-commons';
import { Status } from 'allure-js-commons';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getProfile, qualifiedName } from '../clusters/profiles/index.ts';
import { currentRunId, removeRunSync } from '../clusters/run.ts';
import type { ClusterHandle } from '../clusters/types.ts';
import { collectDiagnostics } from '../helpers/probes/diagnostics.ts';
import { attachTopology } from '../reports/topology/attach.ts';
import { behaviour } from './catalogue.ts';
import { BehaviourFailed, checkBehaviour, recovered, unmetRequirements } from './check.ts';
import { breakCheckUndo, UndoFailed, type ControlReporter } from './control-run.ts';
import { describeTimings, timeRecovery, type ConvergenceRecord, type ProvisioningRecord } from './convergence.ts';
import { attachNotice, checkSkipReason, controlListing, controlSkipReason } from './disruption.ts';
import { laneCount, laneProfile, Lanes } from './lanes.ts';
import { createCluster } from './providers.ts';
import type { Behaviour, NegativeControl } from './types.ts';
import { Inconclusive, inconclusiveOf, isUnobserved, VERDICT_LABEL, verdictOf } from './verdict.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why this project's provider cannot run here; suites skip with it. */
    providerUnavailable: string;
    /** Why one profile cannot run here although its provider can (kind: clusters/kind/profile-gate.ts), by profile name. */
    profilesUnavailable: Record<string, string>;
  }
}

/** Failing pairs a negative control traces (suites/types.ts ProbeOptions.maxTraces). */
export const CONTROL_TRACES = 1;

/** How long a recovery check polls when the behaviour names no convergence deadline. */
const defaultConvergenceMs = 60_000;

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
  const lanes = laneCount(profile);
  // Several lanes: the tests run at once, each on a free cluster of the profile (suites/lanes.ts).
  const test = lanes > 1 ? it.concurrent : it;
  describe(`${profile.name} [${profile.provider}, ${profile.cni}]`, () => {
    let pool: Lanes | undefined;
    /** Set once afterAll destroyed the clusters: the worker's exit hook has nothing left to remove. */
    let destroyed = false;
    const unavailable = inject('providerUnavailable') || (inject('profilesUnavailable') ?? {})[profile.name] || '';
    const ids = selected(profile.behaviours);
    // On an attached cluster, say what the negative controls would do (or will do) before anything runs.
    const notice = unavailable ? undefined : attachNotice(controlListing(ids, behaviour));
    if (notice) process.stderr.write(`${notice}\n`);

    // A suite hook's first argument is its fixtures, destructured, the suite second (@vitest/runner@5.1.0
    // dist/chunk-artifact.js FixtureParseError; dist/tasks.d BeforeAllListener(context, suite)).
    beforeAll(async ({}, suite) => {
      if (unavailable) return;
      const runId = currentRunId();
      const profiles = Array.from({ length: lanes }, (_, i) => laneProfile(profile, i));
      // Should this worker be interrupted mid-creation, its clusters still go; other workers' clusters of the run stay.
      for (const p of profiles) process.once('exit', () => { if (!destroyed) removeRunSync(runId, p.name); });
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const built = await Promise.allSettled(profiles.map((p) => createCluster(p, { runId, log, keep: process.env.KEEP === '1' })));
      const clusters = built.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const failed = built.find((r) => r.status === 'rejected');
      if (failed) {
        await Promise.all(clusters.map((c) => c.destroy()));
        throw failed.reason;
      }
      pool = new Lanes(clusters);
      // How long each cluster took to come up, phase by phase: the reporter writes it to run.json.
      suite.meta.provisioning = clusters.flatMap((c): ProvisioningRecord[] => (c.provisioning ? [{ profile: qualifiedName(profile), cluster: c.name, phases: c.provisioning }] : []));
    });
    afterAll(async () => {
      await Promise.all(pool?.clusters.map((c) => c.destroy()) ?? []);
      destroyed = true;
    });
    attachTopology(profile, () => pool?.clusters[0]);

    for (const id of ids) {
      const b = behaviour(id);
      test(`${id} ${b.title}`, async (ctx) => {
        await label(b, profile.name, profile.cni, profile.provider);
        if (unavailable) return ctx.skip(unavailable);
        const changes = checkSkipReason(id);
        if (changes) {
          await allure.description(`Skipped: ${changes}`);
          return ctx.skip(changes);
        }
        await pool!.use(async (live) => {
          await onCluster(live, lanes);
          const unmet = unmetRequirements(b, live);
          if (unmet.length > 0) {
            await allure.description(`Skipped: ${unmet.join('; ')}`);
            return ctx.skip(unmet.join('; '));
          }
          const result = await allure.step(`probe ${id} on ${profile.name}`, async () => {
            const r = await checkBehaviour(b, live, { locate: true });
            await attachRaw(r.observation.raw);
            return r;
          });
          await allure.attachment('observation.json', JSON.stringify(result.observation.value, null, 2), 'application/json');
          // Where traced traffic was lost, for the topology picture attached after the test (attachTopology).
          if (result.observation.located?.length) ctx.task.meta.located = result.observation.located;
          for (const sub of result.observation.subtests ?? []) {
            await allure.logStep(sub.message ? `${sub.name}: ${sub.message}` : sub.name, sub.status === 'passed' ? Status.PASSED : sub.status === 'failed' ? Status.FAILED : Status.SKIPPED);
          }
          if (result.problems.length > 0) {
            await allure.step('diagnostics', async () => attachRaw(await collectDiagnostics(live)));
            if (verdictOf(result.problems) === 'inconclusive') throw new Inconclusive(`${id} could not be observed on ${live.name}`, result.problems);
            throw new BehaviourFailed(id, result.problems, result.observation.raw);
          }
        }).catch((error: unknown) => skipIfInconclusive(error, `${id} could not be observed`, ctx));
      }, b.timeoutMs);
      for (const control of b.negativeControls) {
        test(`${id} negative control: ${control.name}`, async (ctx) => {
          await label(b, profile.name, profile.cni, profile.provider, 'negative-control');
          if (unavailable) return ctx.skip(unavailable);
          const notAllowed = controlSkipReason(id, control);
          if (notAllowed) {
            await allure.description(`Skipped: ${notAllowed}`);
            return ctx.skip(notAllowed);
          }
          await pool!.use(async (live, retire) => {
            await onCluster(live, lanes);
            const unmet = unmetRequirements(b, live);
            if (unmet.length > 0) return ctx.skip(unmet.join('; '));
            try {
              // Half the test timeout for the check while broken, the rest for the undo and the recovery check.
              const record = (t: Omit<ConvergenceRecord, 'behaviour' | 'profile' | 'control'>) => {
                ctx.task.meta.convergence = { behaviour: id, profile: qualifiedName(profile), control: control.name, ...t };
              };
              await runNegativeControl(b, control, live, record, ctx.task.timeout > 0 ? Math.floor(ctx.task.timeout / 2) : undefined);
            } catch (error) {
              if (error instanceof UndoFailed) retire(`cluster "${live.name}" was left broken by ${id} negative control "${control.name}": ${error.message}`);
              throw error;
            }
          }).catch((error: unknown) => skipIfInconclusive(error, `${id} negative control "${control.name}" could not be observed`, ctx));
        }, b.timeoutMs);
      }
    }
  });
}

/**
 * With several lanes, which cluster of the profile a test ran on: a parameter of the report, excluded from the test's
 * identity so that a test's history does not split by the lane it happened to get.
 */
async function onCluster(cluster: ClusterHandle, lanes: number): Promise<void> {
  if (lanes > 1) await allure.parameter('cluster', cluster.name, { excluded: true });
}

/** Report steps through Allure; a cluster possibly left broken is said on stderr and in the report. */
const allureReporter: ControlReporter = {
  step: (name, body) => allure.step(name, body),
  async shout(message) {
    process.stderr.write(`\n!!! ${message}\n\n`);
    await allure.attachment('CLUSTER MAY BE LEFT BROKEN.txt', message, 'text/plain');
  },
};

async function runNegativeControl(
  b: Behaviour<unknown>, control: NegativeControl<unknown>, cluster: ClusterHandle,
  record: (timings: Omit<ConvergenceRecord, 'behaviour' | 'profile' | 'control'>) => void, checkDeadlineMs?: number,
): Promise<void> {
  // A control may probe narrower than its behaviour (e.g. a --test subset of cilium connectivity test).
  const check = control.probe ? { ...b, probe: control.probe } : b;
  const { breakage, problems, brokenAfterMs, undoneAfterMs, undoStartedAt } = await breakCheckUndo({
    control,
    ...(checkDeadlineMs ? { checkDeadlineMs } : {}),
    where: `cluster "${cluster.name}"`,
    apply: () => control.apply(cluster),
    checkWhileBroken: async (broken) => allure.step(`${b.id} must fail while ${broken.what}`, async () => {
      // One trace: a control breaks one thing, and one traced pair names where (mutate's confirming pass keeps its 3).
      const r = await checkBehaviour(check, cluster, { locate: true, maxTraces: CONTROL_TRACES });
      await attachRaw(r.observation.raw);
      await allure.attachment('problems.txt', r.problems.join('\n') || '(none)', 'text/plain');
      return r.problems;
    }),
    ...(cluster.refresh ? { refresh: () => cluster.refresh!() } : {}),
    ...(cluster.settle ? { settle: () => cluster.settle!() } : {}),
  }, allureReporter);
  // Only an observed failure shows the check failing; one it could not observe shows nothing either way.
  const observed = problems.filter((p) => !isUnobserved(p));
  if (!control.expectFailure.test(observed.join('\n')) && observed.length < problems.length) {
    throw new Inconclusive(`${b.id} could not be observed while ${breakage.what}`, problems.filter(isUnobserved));
  }
  expect(observed, `${b.id} still held while ${breakage.what}: the check cannot fail`).not.toEqual([]);
  expect(observed.join('\n')).toMatch(control.expectFailure);
  // Restored, the behaviour holds again (within its convergence deadline): the failure came from the breakage and the undo is complete.
  const deadlineMs = b.convergenceMs ?? defaultConvergenceMs;
  const { problems: left, healedAfterMs } = await allure.step(`${b.id} holds again after restoring`, () => timeRecovery(undoStartedAt, () => recovered(check, cluster, deadlineMs)));
  // How long it took to break and to heal: data for run.json (the test's meta), and said in the report.
  const ms = Math.round;
  const timings = { brokenAfterMs: ms(brokenAfterMs), undoneAfterMs: ms(undoneAfterMs), ...(healedAfterMs === undefined ? {} : { healedAfterMs: ms(healedAfterMs) }), deadlineMs, cluster: cluster.name };
  record(timings);
  await allure.logStep(`convergence: ${describeTimings(timings)}`);
  await allure.parameter('convergence', describeTimings(timings), { excluded: true });
  await allure.attachment('convergence.json', JSON.stringify(timings, null, 2), 'application/json');
  if (verdictOf(left) === 'inconclusive') throw new Inconclusive(`${b.id} could not be observed after undoing "${breakage.what}"`, left);
  expect(left, `${b.id} did not recover within ${Math.round(deadlineMs / 1000)} s after undoing "${breakage.what}"`).toEqual([]);
}

/**
 * An INCONCLUSIVE test (an Inconclusive, or a command nothing answered: suites/verdict.ts inconclusiveOf): labelled for
 * the report (Allure "unknown", its own matrix state), skipped with its causes. Any other error stays an ERROR.
 */
async function skipIfInconclusive(thrown: unknown, what: string, ctx: { skip(note?: string): never }): Promise<void> {
  const error = inconclusiveOf(thrown, what);
  if (!error) throw thrown;
  await allure.label(VERDICT_LABEL, 'inconclusive');
  await allure.description(error.message);
  await allure.attachment('INCONCLUSIVE.txt', error.message, 'text/plain');
  process.stderr.write(`${error.message}\n`);
  ctx.skip(error.message.split('\n').slice(0, 2).join(' '));
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
