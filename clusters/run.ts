import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { engineSync } from './engine.ts';
import { LABEL } from './labels.ts';
import { deleteRunKindClustersSync, kindEngine, type DockerSync, type KindEngineSync } from './kind/cleanup.ts';

/** The lab's engine (and the run markers'): docker. */
export const dockerSync: DockerSync = engineSync('docker');

/**
 * Where a run's kind clusters are: the engine kind runs on (engine.ts) when `docker` is the real one; a fake engine
 * handed in by a test stands for both.
 */
function kindSide(docker: DockerSync): KindEngineSync {
  return docker === dockerSync ? kindEngine() : { name: 'docker', run: docker };
}

export { LABEL } from './labels.ts';

/** A short unique id; names and labels carry it so that two runs never collide. */
export function newRunId(): string {
  return `${Date.now().toString(36).slice(-5)}${randomBytes(2).toString('hex')}`;
}

/** The run id for this process: set once by the entry point (CLI or vitest global setup). */
export function currentRunId(): string {
  const id = process.env.CNI_CONFORMANCE_RUN_ID;
  if (!id) throw new Error('failed to find the run id: CNI_CONFORMANCE_RUN_ID is unset (start through npm test or npm run conformance)');
  return id;
}

export function runLabels(runId: string, cluster?: string, keep = false): Record<string, string> {
  // Empty means unset (a child told not to inherit its parent's): an empty owner would read as a dead run to every reaper.
  const owner = process.env.CNI_CONFORMANCE_OWNER_PID || String(process.pid);
  return {
    [LABEL.run]: runId,
    [LABEL.owner]: owner,
    [LABEL.host]: hostname(),
    ...(cluster ? { [LABEL.cluster]: cluster } : {}),
    ...(keep ? { [LABEL.keep]: '1' } : {}),
  };
}

/**
 * Removes every container of a run (or of one of its clusters), synchronously so that it also works from exit and
 * signal handlers. For the whole run also its kind clusters (found by name: kind's node containers carry kind's
 * labels, not ours) and its run marker.
 */
export function removeRunSync(runId: string, cluster?: string, docker: DockerSync = dockerSync, lookAgain = true): number {
  const filters = [`label=${LABEL.run}=${runId}`, ...(cluster ? [`label=${LABEL.cluster}=${cluster}`] : [])];
  let removed = 0;
  // A create that was in flight when a signal came lands after the first listing: look again until quiet. At the
  // normal end of a run nothing is in flight (lookAgain false): one listing is enough.
  for (let pass = 0; pass < (lookAgain ? 4 : 1); pass++) {
    const found = removeContainersSync(filters, docker) + (cluster ? 0 : deleteRunKindClustersSync(runId, kindSide(docker)));
    removed += found;
    if (!lookAgain || (found === 0 && pass > 0)) break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
  }
  if (!cluster) unmarkRunSync(runId, docker);
  return removed;
}

function removeContainersSync(filters: string[], docker: DockerSync): number {
  try {
    const ids = docker(['ps', '-aq', ...filters.flatMap((f) => ['--filter', f])]).split('\n').filter(Boolean);
    if (ids.length > 0) docker(['rm', '-f', '-v', ...ids]);
    return ids.length;
  } catch {
    return 0;
  }
}

/** Name of the docker volume that marks a live run. */
export function runMarker(runId: string): string {
  return `cnc-run-${runId}`;
}

/**
 * Marks a run as live with a labelled (empty) docker volume: kind clusters cannot carry our labels, so the next
 * run's reaper learns from the marker's owner pid whether the run that named `cnc-<run>-` clusters is dead.
 */
export function markRunSync(runId: string, docker: DockerSync = dockerSync): void {
  const labels = Object.entries(runLabels(runId)).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  docker(['volume', 'create', ...labels, runMarker(runId)]);
}

function unmarkRunSync(runId: string, docker: DockerSync): void {
  try { docker(['volume', 'rm', '-f', runMarker(runId)]); } catch { /* already gone */ }
}

/**
 * Removes what earlier runs on this host left behind when their owner process is gone (kill -9, crash). Containers a
 * run kept on purpose (LABEL.keep) stay: their owner is gone too, but the user asked for them.
 */
export function reapOrphansSync(docker: DockerSync = dockerSync, alive: (pid: number) => boolean = processAlive): number {
  const owners = (args: string[]) => {
    try {
      return docker(args).split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string, string?]);
    } catch {
      return [];
    }
  };
  const format = `{{.Label "${LABEL.run}"}} {{.Label "${LABEL.owner}"}} {{.Label "${LABEL.keep}"}}`;
  const host = `label=${LABEL.host}=${hostname()}`;
  const lines = [
    ...owners(['ps', '-a', '--filter', host, '--format', format]),
    ...owners(['volume', 'ls', '--filter', host, '--format', format]),
  ];
  const kept = new Set(lines.filter(([run, , keep]) => run && keep === '1').map(([run]) => run));
  const deadRuns = new Set(lines.filter(([run, pid]) => run && !kept.has(run) && !alive(Number(pid))).map(([run]) => run));
  let removed = 0;
  for (const run of deadRuns) removed += removeRunSync(run, undefined, docker);
  return removed;
}

/**
 * Whether a run is live: its marker volume names an owner process that is alive on this host (the reaper's own test).
 * `npm run cleanup` leaves such a run's kind clusters alone; a run without a marker (finished, killed and reaped, or
 * kept with KEEP=1) or whose owner is gone is not live. Returns the owner's "host pid" when live.
 */
export function liveRunOwner(runId: string, docker: DockerSync = dockerSync, alive: (pid: number) => boolean = processAlive): string | undefined {
  let lines: string[];
  try {
    // The name filter may match more than this name: the exact name is compared below.
    lines = docker(['volume', 'ls', '--filter', `name=${runMarker(runId)}`, '--format', `{{.Name}} {{.Label "${LABEL.host}"}} {{.Label "${LABEL.owner}"}}`])
      .split('\n').filter((l) => l.split(' ')[0] === runMarker(runId));
  } catch {
    return undefined;
  }
  for (const line of lines) {
    const [, host, pid] = line.split(' ');
    // Another host's run (an engine shared by several machines) cannot be checked from here: taken as live.
    if (host && host !== hostname()) return `${host} pid ${pid ?? '?'}`;
    if (alive(Number(pid))) return `${host} pid ${pid}`;
  }
  return undefined;
}

/**
 * `npm run cleanup`'s kind part: deletes the kind clusters (cnc-<run>-...) of the given runs, except those of a live
 * run, which another process on this machine is still using. Returns what went and which runs were left.
 */
export function removeKindClustersOfRunsSync(runs: string[], docker: DockerSync = dockerSync, alive: (pid: number) => boolean = processAlive, kind: KindEngineSync = kindSide(docker)): { removed: number; live: Array<{ run: string; owner: string }> } {
  const live: Array<{ run: string; owner: string }> = [];
  let removed = 0;
  for (const run of runs) {
    const owner = liveRunOwner(run, docker, alive);
    if (owner) live.push({ run, owner });
    else removed += deleteRunKindClustersSync(run, kind);
  }
  return { removed, live };
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes sure the run's containers go away on normal exit, on SIGINT/SIGTERM/SIGHUP, and on an uncaught error.
 * `keep` leaves them and prints how to delete them instead. Returns the cleanup for the normal end of a run (a
 * teardown): it runs once, and the exit hook then has nothing left to do.
 */
export function cleanupOnExit(runId: string, keep = false): () => void {
  const done = { value: false };
  const cleanup = (lookAgain: boolean) => {
    if (done.value) return;
    done.value = true;
    if (keep) {
      // Unmarked, the kept clusters are never taken for a dead run's leftovers by the next run's reaper.
      unmarkRunSync(runId, dockerSync);
      process.stderr.write(`KEEP=1: containers of run ${runId} were kept; delete them with:\n  docker rm -f $(docker ps -aq --filter label=${LABEL.run}=${runId})\n`);
      return;
    }
    removeRunSync(runId, undefined, dockerSync, lookAgain);
  };
  // An exit without a teardown may be an uncaught error mid-create: look again until quiet, as after a signal.
  process.once('exit', () => cleanup(true));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanup(true);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  return () => cleanup(false);
}
