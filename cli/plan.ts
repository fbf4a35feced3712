/** npm run plan -- NAME|kind/NAME [--out DIR] [--run-id ID] [--kind-gateway ADDRESS]: render what a kind profile would apply, check it against upstream. */
import { resolve } from 'node:path';
import { inspectKindNetwork, requireIpv4Gateway } from '../clusters/kind/kind-network.ts';
import { buildPlan } from '../clusters/kind/plan.ts';
import { writePlan } from '../clusters/kind/plan-write.ts';
import { loadKindProfile } from '../clusters/kind/profiles.ts';
import { validatePlan, validationUnavailable } from '../clusters/kind/validate/index.ts';
import { PLAN_USAGE, parsePlanArgs } from './plan-options.ts';

async function main(): Promise<number> {
  const args = parsePlanArgs(process.argv.slice(2));
  if (args.help) { console.log(PLAN_USAGE); return 0; }
  const profile = loadKindProfile(args.profile);
  const needsGateway = profile.clusters.some((c) => c.install.cni === 'calico' && c.install.vpp);
  // Read-only: the plan never creates the kind network (the kind provider does, before a real run).
  const kindGateway = args.kindGateway ?? (needsGateway ? requireIpv4Gateway(await inspectKindNetwork(), `failed to plan ${profile.name}`) : undefined);
  const dir = resolve(args.out ?? `plans/${profile.name}`);
  const plan = buildPlan(profile, { runId: args.runId, dir, ...(kindGateway ? { kindGateway } : {}) });
  const unavailable = validationUnavailable();
  const problems = unavailable ? [] : validatePlan(plan, profile);
  const written = await writePlan(plan, dir);
  console.log(`plan ${profile.name}: ${plan.clusters.length} cluster(s) ${plan.clusters.join(', ')}; ${plan.commands.length} commands; proves ${profile.behaviours.join(', ')}`);
  console.log(`  wrote ${written.length} files to ${dir}: ${written.join(', ')}`);
  console.log(`  run it by hand: bash ${dir}/commands.sh; delete: bash ${dir}/teardown.sh`);
  console.log(unavailable ? `  upstream validation skipped: ${unavailable}` : `  validated against ../shared/upstream: ${problems.length === 0 ? 'ok' : `${problems.length} problem(s)`}`);
  for (const problem of problems) console.error(`  - ${problem}`);
  return problems.length === 0 ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  console.error(`plan: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
