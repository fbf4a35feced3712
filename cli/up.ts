import { labProvider } from '../clusters/lab/provider.ts';
import type { LabProfile } from '../clusters/lab/types.ts';
import { assertLabCanRun } from '../clusters/preflight.ts';
import { DEFAULT_PROFILE, getProfile } from '../clusters/profiles/index.ts';
import { cleanupOnExit, newRunId, reapOrphansSync } from '../clusters/run.ts';
import { parseArgs } from './args.ts';

/** Brings a lab profile up and holds it until Ctrl-C, printing how to look around; everything goes on exit. */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { values: [], flags: ['keep'] });
  const profile = getProfile(args.positional[0] ?? DEFAULT_PROFILE);
  if (profile.provider !== 'lab') throw new Error(`profile "${profile.name}": up holds lab profiles only; run kind profiles with npm run conformance -- --profile ${profile.name} --keep`);
  await assertLabCanRun();
  reapOrphansSync();
  const runId = process.env.CNI_CONFORMANCE_RUN_ID ?? newRunId();
  process.env.CNI_CONFORMANCE_RUN_ID = runId;
  cleanupOnExit(runId, args.flags.has('keep'));
  const cluster = await labProvider.create(profile as LabProfile, { runId, log: (l) => console.log(l), keep: args.flags.has('keep') });
  console.log(`ready: ${cluster.name} (run ${runId})`);
  for (const node of cluster.nodes) console.log(`  node ${node.name}: docker exec -it cc-${runId}-${cluster.name}-${node.name} bash`);
  for (const pod of cluster.pods) console.log(`  pod ${pod.name} (${pod.addresses.join(', ')}) on ${pod.node}: ... ip netns exec ${pod.name} bash`);
  console.log('Ctrl-C removes everything.');
  // Hold the event loop open until a signal ends the process (the exit hooks clean up).
  setInterval(() => {}, 1 << 30);
}

main().catch((error: Error) => {
  console.error(`cni-conformance up: ${error.message}`);
  process.exit(2);
});
