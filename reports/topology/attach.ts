import * as allure from 'allure-js-commons';
import { beforeEach } from 'vitest';
import type { ClusterHandle, Profile } from '../../clusters/types.ts';
import { planTopology } from './from-profile.ts';
import { liveTopology } from './live.ts';
import { topologySvg } from './render.ts';

/** Name of the attachment; the report merge finds each profile's picture by it. */
export const TOPOLOGY_ATTACHMENT = 'topology.svg';

/**
 * Attaches the profile's topology picture to each behaviour test of the suite (negative controls carry the same
 * cluster and are left out): drawn once, from the live cluster when there is one, otherwise from the plan alone.
 * Called once inside the profile's describe; `cluster` returns the handle its beforeAll created, if any.
 */
export function attachTopology(profile: Profile, cluster: () => ClusterHandle | undefined): void {
  let svg: Promise<string> | undefined;
  beforeEach(async (ctx) => {
    if (ctx.task.name.includes(' negative control: ')) return;
    svg ??= draw(profile, cluster());
    // The picture is for the reader: when it cannot be drawn, the test says why in its place and goes on.
    const drawn = await svg.then((text) => ({ text }), (error: Error) => ({ error }));
    if ('text' in drawn) await allure.attachment(TOPOLOGY_ATTACHMENT, drawn.text, { contentType: 'image/svg+xml', fileExtension: 'svg' });
    else await allure.attachment('topology: not drawn', `failed to draw the topology of ${profile.name}: ${drawn.error.message}`, 'text/plain');
  });
}

async function draw(profile: Profile, cluster: ClusterHandle | undefined): Promise<string> {
  // The kind provider sets the run id only where kind can run; the plan picture then names nodes with a placeholder.
  const plan = planTopology(profile, process.env.CNI_CONFORMANCE_RUN_ID);
  if (!cluster) return topologySvg({ ...plan, notes: [...plan.notes, 'no live cluster in this run: drawn from the plan only'] });
  try {
    return await topologySvg(await liveTopology(plan, cluster));
  } catch (error) {
    return topologySvg({ ...plan, notes: [...plan.notes, `live data unavailable: ${(error as Error).message}`] });
  }
}
