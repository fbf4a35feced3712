/**
 * Per-check overhead: the wall time of a behaviour check minus the time at least one of its commands was
 * running (the union of their intervals), on a live calico-lab. What is left is the harness's own cost:
 * parsing, judging, and any wait that is not a command.
 */
import { labProvider } from '../clusters/lab/provider.ts';
import { labProfiles } from '../clusters/profiles/lab/index.ts';
import type { ClusterHandle, Executor } from '../clusters/types.ts';
import { behaviour } from '../suites/catalogue.ts';
import { checkBehaviour, unmetRequirements } from '../suites/check.ts';
import { unionMs } from './timing.ts';

export interface CheckOverhead {
  id: string;
  wallMs: number;
  commandMs: number;
  overheadMs: number;
  commands: number;
}

/** Wraps every node's and pod's exec so that each command's [start, end] lands in `intervals`. */
function timeCommands(cluster: ClusterHandle, intervals: Array<[number, number]>): void {
  const wrap = (target: Executor) => {
    const exec = target.exec.bind(target);
    target.exec = async (argv) => {
      const start = performance.now();
      try {
        return await exec(argv);
      } finally {
        intervals.push([start, performance.now()]);
      }
    };
  };
  for (const node of cluster.nodes) wrap(node);
  // Lab pods exec through their node's handle: counted there too; the union makes that harmless.
  for (const pod of cluster.pods) wrap(pod);
}

/** Each behaviour of the profile checked `rounds` times; the median round per behaviour. */
export async function benchCheckOverhead(runId: string, profileName: string, rounds: number): Promise<CheckOverhead[]> {
  const profile = labProfiles.find((p) => p.name === profileName);
  if (!profile) throw new Error(`profile "${profileName}": not a lab profile; known: ${labProfiles.map((p) => p.name).join(', ')}`);
  const cluster = await labProvider.create(profile, { runId });
  try {
    const intervals: Array<[number, number]> = [];
    timeCommands(cluster, intervals);
    const out: CheckOverhead[] = [];
    for (const id of profile.behaviours) {
      const b = behaviour(id);
      if (unmetRequirements(b, cluster).length > 0) continue;
      const samples: CheckOverhead[] = [];
      for (let i = 0; i < rounds; i++) {
        intervals.length = 0;
        const start = performance.now();
        const { problems } = await checkBehaviour(b, cluster);
        const wallMs = performance.now() - start;
        if (problems.length > 0) throw new Error(`${id} does not hold on a fresh ${profile.name}: ${problems.join('; ')}`);
        const commandMs = unionMs(intervals);
        samples.push({ id, wallMs, commandMs, overheadMs: wallMs - commandMs, commands: intervals.length });
      }
      out.push([...samples].sort((a, b) => a.overheadMs - b.overheadMs)[Math.floor(samples.length / 2)]!);
    }
    return out;
  } finally {
    await cluster.destroy();
  }
}
