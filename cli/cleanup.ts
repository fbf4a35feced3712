import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { clusterPrefix } from '../clusters/kind/naming.ts';
import { LABEL, reapOrphansSync } from '../clusters/run.ts';

/**
 * `npm run cleanup`: what a run that was killed left behind, the nightly workflow's `if: always()` step. Removes
 * (1) lab containers of runs whose process is gone (the run labels), and (2) kind node containers of the runs whose
 * plan folders are under reports/out/plans (CNC_PLAN_ROOT): clusters named cnc-<run>-..., so only the harness's own.
 */
function kindContainersOf(runId: string): string[] {
  // kind labels every node container io.x-k8s.kind.cluster=<cluster> (pkg/cluster/internal/providers/docker/constants.go@v0.32.0).
  const out = execFileSync('docker', ['ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.ID}} {{.Label "io.x-k8s.kind.cluster"}}'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]).filter(([, cluster]) => cluster.startsWith(clusterPrefix(runId))).map(([id]) => id);
}

const planRoot = resolve(process.env.CNC_PLAN_ROOT ?? 'reports/out/plans');
let runs: string[] = [];
try { runs = readdirSync(planRoot); } catch { runs = []; }
console.log(`cleanup: removing lab containers of dead runs, and kind clusters of runs ${runs.join(', ') || '(none under ' + planRoot + ')'}`);
const reaped = reapOrphansSync();
let kind = 0;
for (const run of runs) {
  const ids = kindContainersOf(run);
  if (ids.length) execFileSync('docker', ['rm', '-f', '-v', ...ids], { stdio: 'inherit' });
  kind += ids.length;
}
console.log(`cleanup: removed ${reaped} lab containers and ${kind} kind node containers`);
// What KEEP=1 / --keep runs left on purpose stays; say how to remove it.
const kept = execFileSync('docker', ['ps', '-a', '--filter', `label=${LABEL.keep}=1`, '--format', `{{.Label "${LABEL.run}"}}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
for (const run of new Set(kept)) {
  console.log(`cleanup: kept on purpose: run ${run} (${kept.filter((r) => r === run).length} containers); remove with docker rm -f $(docker ps -aq --filter label=${LABEL.run}=${run})`);
}
