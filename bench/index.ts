/**
 * `npm run bench`: the figures issue "Speed" asks for, measured in one run.
 *   ready     calico-lab readiness beside the raw docker + ip floor, and their ratio (goal <= 1.0)
 *   overhead  per-check overhead on calico-lab: wall time of a check minus the time of its commands (goal <= 100 ms)
 *   suite     the lab project's wall time (goal <= 90 s on 2 cores), slowest tests and steps first
 *   conformance  `npm run conformance` (default profile, report included), timed
 * suite and conformance are also given as ratios to the raw docker + ip floor measured in the same run (3 runs), so
 * that figures from machines of different speed compare.
 * Options: --burn N (N CPU-burning processes beside everything measured, as stress-ng --cpu N)
 *          --only ready,overhead,suite   --runs N (ready, default 5)   --rounds N (overhead, default 3)
 *          --repeat N (suite: N full runs in a row, each one's wall time and result, then the last run's breakdown)
 *          --results DIR (break down an existing allure-results folder instead of running the suite)
 */
import { parseArgs } from '../cli/args.ts';
import { ensureLabImage } from '../clusters/lab/image.ts';
import { assertLabCanRun } from '../clusters/preflight.ts';
import { cleanupOnExit, newRunId, removeRunSync } from '../clusters/run.ts';
import { burnCpus } from './burn.ts';
import { benchCheckOverhead } from './check-overhead.ts';
import { runConformance, runLabSuite } from './lab-suite.ts';
import { benchReady, rawFloor } from './ready.ts';
import { median } from '../helpers/stats.ts';
import { readAllureTimings, seconds, slowestSteps, timeByProfile, timeByStepKind } from './timing.ts';

const parts = ['ready', 'overhead', 'suite', 'conformance'] as const;
const args = parseArgs(process.argv.slice(2), { values: ['only', 'runs', 'rounds', 'results', 'repeat', 'burn'], flags: [] });
const only = (args.values.only ?? 'ready,overhead,suite').split(',');
for (const p of only) if (!(parts as readonly string[]).includes(p)) throw new Error(`--only ${p}: unknown part; known: ${parts.join(', ')}`);
const whole = (name: string, fallback: number) => {
  const n = Number(args.values[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new Error(`--${name} ${args.values[name]}: expected a whole number from 1 to 50`);
  return n;
};
const runs = whole('runs', 5);
const rounds = whole('rounds', 3);
const repeat = whole('repeat', 1);
const burn = args.values.burn === undefined ? 0 : whole('burn', 0);
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ');
const ms = (x: number) => `${Math.round(x)} ms`;

await assertLabCanRun();
const { tag: image } = await ensureLabImage();
const runId = newRunId();
process.env.CNI_CONFORMANCE_RUN_ID = runId;
cleanupOnExit(runId);

const burners = burn > 0 ? burnCpus(burn) : undefined;
if (burn > 0) console.log(`${burn} CPU-burning processes run beside everything measured (--burn ${burn})`);
try {
  /** The raw floor's runs when `ready` measured them: the suite and conformance ratios divide by the same floor. */
  let readyRaw: number[] | undefined;
  if (only.includes('ready')) {
    const r = await benchReady(runId, image, runs);
    readyRaw = r.raw;
    console.log(`\n== readiness: calico-lab vs raw docker + ip (${runs} runs, interleaved)`);
    console.log(`calico-lab ready + first cross-node ping (s): ${fmt(r.lab)}`);
    console.log(`raw docker + ip, same topology (s):          ${fmt(r.raw)}`);
    console.log(`median lab ${median(r.lab).toFixed(2)} s, median raw ${median(r.raw).toFixed(2)} s, ratio lab/raw ${r.ratio.toFixed(2)} (goal <= 1.00)`);
  }
  if (only.includes('overhead')) {
    const rows = await benchCheckOverhead(runId, 'calico-lab', rounds);
    console.log(`\n== per-check overhead on calico-lab (median of ${rounds} rounds per behaviour)`);
    for (const r of rows) {
      console.log(`${r.id.padEnd(10)} wall ${ms(r.wallMs).padStart(8)}  commands ${ms(r.commandMs).padStart(8)} (${r.commands})  overhead ${ms(r.overheadMs).padStart(7)}  ratio overhead/wall ${(r.overheadMs / r.wallMs).toFixed(2)}`);
    }
    const worst = Math.max(...rows.map((r) => r.overheadMs));
    console.log(`worst overhead ${ms(worst)} (goal <= 100 ms)`);
  }
  // The floor the suite and conformance times are divided by, measured now, on this machine.
  const floorS = (only.includes('suite') && !args.values.results) || only.includes('conformance') ? (readyRaw ? median(readyRaw) : await rawFloor(runId, image, 3)) : undefined;
  const perFloor = (wallMs: number) => (floorS ? `, ${(wallMs / 1000 / floorS).toFixed(1)}x the raw floor (${floorS.toFixed(2)} s, measured in this run)` : '');
  if (only.includes('conformance')) {
    const walls: number[] = [];
    for (let i = 1; i <= repeat; i++) {
      const run = await runConformance();
      walls.push(run.wallMs);
      console.log(`\n== npm run conformance${repeat > 1 ? ` run ${i}/${repeat}` : ''}: ${seconds(run.wallMs)} wall${perFloor(run.wallMs)}, exit ${run.exitCode}`);
    }
    if (repeat > 1) console.log(`\n== npm run conformance: median ${seconds(median(walls))}${perFloor(median(walls))}`);
  }
  if (only.includes('suite')) {
    let dir = args.values.results ?? '';
    if (!dir) {
      const walls: number[] = [];
      let green = 0;
      let inconclusive = 0;
      for (let i = 1; i <= repeat; i++) {
        const run = await runLabSuite(args.positional);
        walls.push(run.wallMs);
        if (run.exitCode === 0) green++;
        inconclusive += run.inconclusive;
        console.log(`\n== lab project${repeat > 1 ? ` run ${i}/${repeat}` : ''}: ${seconds(run.wallMs)} wall${perFloor(run.wallMs)}, exit ${run.exitCode}, ${run.summary}${run.inconclusive ? `, ${run.inconclusive} inconclusive` : ''}`);
        dir = run.resultsDir;
      }
      if (repeat > 1) console.log(`\n== ${green}/${repeat} runs green (${inconclusive} inconclusive tests in all); wall median ${seconds(median(walls))}${perFloor(median(walls))}, max ${seconds(Math.max(...walls))}`);
    } else console.log(`\n== lab project results in ${dir}`);
    const tests = readAllureTimings(dir).filter((t) => t.status !== 'skipped');
    console.log('\nprofiles (tests run one after another in a file):');
    for (const p of timeByProfile(tests)) console.log(`  ${seconds(p.ms).padStart(9)}  ${p.profile} (${p.tests} tests)`);
    console.log('\nslowest tests:');
    for (const t of [...tests].sort((a, b) => b.ms - a.ms).slice(0, 10)) console.log(`  ${seconds(t.ms).padStart(9)}  ${t.profile} > ${t.name}`);
    console.log('\ntime by step kind:');
    for (const k of timeByStepKind(tests)) console.log(`  ${seconds(k.ms).padStart(9)}  ${k.kind} (${k.count} steps)`);
    console.log('\nslowest steps:');
    for (const s of slowestSteps(tests, 10)) console.log(`  ${seconds(s.ms).padStart(9)}  ${s.profile} > ${s.test} > ${s.step}`);
  }
} finally {
  burners?.stop();
  removeRunSync(runId);
}
