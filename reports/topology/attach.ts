import * as allure from 'allure-js-commons';
import { afterEach, beforeEach } from 'vitest';
import type { ClusterHandle, Profile } from '../../clusters/types.ts';
import { planTopology } from './from-profile.ts';
import { liveTopology } from './live.ts';
import type { Topology } from './model.ts';
import { topologySvg } from './render.ts';

/** Name of the attachment; the report merge finds each profile's picture by it. */
export const TOPOLOGY_ATTACHMENT = 'topology.svg';
/** A test's picture with its traced failures marked: its own name, so the merge never takes it for the profile's. */
export const TRACED_TOPOLOGY_ATTACHMENT = 'topology, where the traced packets were lost.svg';

/**
 * Attaches the profile's topology picture to each behaviour test of the suite (negative controls carry the same
 * cluster and are left out): read once, from the live cluster when there is one, otherwise from the plan alone, before
 * the first test; attached after each test, with the failures its check traced marked (the test's meta.located,
 * suites/run-profile.ts) or plain. Called once inside the profile's describe; `cluster` returns the handle its beforeAll created, if any.
 */
export function attachTopology(profile: Profile, cluster: () => ClusterHandle | undefined): void {
  let topology: Promise<Topology> | undefined;
  let plain: Promise<string> | undefined;
  const skip = (name: string) => name.includes(' negative control: ');
  beforeEach(async (ctx) => {
    if (skip(ctx.task.name)) return;
    topology ??= read(profile, cluster());
    await topology.catch(() => undefined);
  });
  afterEach(async (ctx) => {
    if (skip(ctx.task.name) || !topology) return;
    const located = ctx.task.meta.located;
    const svg = located?.length ? topology.then((t) => topologySvg(t, located)) : (plain ??= topology.then((t) => topologySvg(t)));
    // The picture is for the reader: when it cannot be drawn, the test says why in its place and goes on.
    const drawn = await svg.then((text) => ({ text }), (error: Error) => ({ error }));
    const name = located?.length ? TRACED_TOPOLOGY_ATTACHMENT : TOPOLOGY_ATTACHMENT;
    if ('text' in drawn) await allure.attachment(name, drawn.text, { contentType: 'image/svg+xml', fileExtension: 'svg' });
    else await allure.attachment('topology: not drawn', `failed to draw the topology of ${profile.name}: ${drawn.error.message}`, 'text/plain');
  });
}

async function read(profile: Profile, cluster: ClusterHandle | undefined): Promise<Topology> {
  // The kind provider sets the run id only where kind can run; the plan picture then names nodes with a placeholder.
  const plan = planTopology(profile, process.env.CNI_CONFORMANCE_RUN_ID);
  if (!cluster) return { ...plan, notes: [...plan.notes, 'no live cluster in this run: drawn from the plan only'] };
  try {
    return await liveTopology(plan, cluster);
  } catch (error) {
    return { ...plan, notes: [...plan.notes, `live data unavailable: ${(error as Error).message}`] };
  }
}
