import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { engineSync } from '../clusters/engine.ts';
import { removeForwardRulesSync } from '../clusters/kind/podman-network.ts';
import { dockerSync, LABEL, reapOrphansSync, removeKindClustersOfRunsSync } from '../clusters/run.ts';

/**
 * `npm run cleanup`: what a run that was killed left behind, the nightly workflow's `if: always()` step. Removes
 * (1) lab containers of runs whose process is gone (the run labels), and (2) kind clusters of the runs whose plan
 * folders are under reports/out/plans (CNC_PLAN_ROOT): clusters named cnc-<run>-..., so only the harness's own, and
 * never those of a run still live on this machine (its marker's owner process is alive, as the reaper of dead runs asks).
 */
const planRoot = resolve(process.env.CNC_PLAN_ROOT ?? 'reports/out/plans');
let runs: string[] = [];
try { runs = readdirSync(planRoot); } catch { runs = []; }
console.log(`cleanup: removing lab containers of dead runs, and kind clusters of runs ${runs.join(', ') || '(none under ' + planRoot + ')'}`);
const reaped = reapOrphansSync();
// kind clusters live in docker or podman (clusters/engine.ts): every engine that answers is asked.
let kindRemoved = 0;
const live = new Map<string, string>();
for (const engine of ['docker', 'podman'] as const) {
  try { execFileSync(engine, ['-v'], { stdio: 'ignore' }); } catch { continue; }
  const kind = removeKindClustersOfRunsSync(runs, dockerSync, undefined, { name: engine, run: engineSync(engine) });
  kindRemoved += kind.removed;
  for (const { run, owner } of kind.live) live.set(run, owner);
}
for (const [run, owner] of live) console.log(`cleanup: run ${run} is live (${owner}): its kind clusters stay`);
// The host FORWARD rules podman runs opened (clusters/kind/podman-network.ts), of runs that are not live.
const rules = removeForwardRulesSync(runs.filter((run) => !live.has(run)));
console.log(`cleanup: removed ${reaped} lab containers, ${kindRemoved} kind node containers and ${rules} host FORWARD rules`);
// What KEEP=1 / --keep runs left on purpose stays; say how to remove it.
const kept = execFileSync('docker', ['ps', '-a', '--filter', `label=${LABEL.keep}=1`, '--format', `{{.Label "${LABEL.run}"}}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
for (const run of new Set(kept)) {
  console.log(`cleanup: kept on purpose: run ${run} (${kept.filter((r) => r === run).length} containers); remove with docker rm -f $(docker ps -aq --filter label=${LABEL.run}=${run})`);
}
