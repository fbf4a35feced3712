import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Labels on everything a run creates; cleanup finds containers by them, never by name guesses. */
export const LABEL = {
  run: 'cni-conformance.run',
  owner: 'cni-conformance.owner-pid',
  host: 'cni-conformance.host',
  cluster: 'cni-conformance.cluster',
} as const;

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

export function runLabels(runId: string, cluster?: string): Record<string, string> {
  const owner = process.env.CNI_CONFORMANCE_OWNER_PID ?? String(process.pid);
  return {
    [LABEL.run]: runId,
    [LABEL.owner]: owner,
    [LABEL.host]: hostname(),
    ...(cluster ? { [LABEL.cluster]: cluster } : {}),
  };
}

/** Removes every container of a run (or of one of its clusters), synchronously so that it also works from exit and signal handlers. */
export function removeRunSync(runId: string, cluster?: string): number {
  const filters = [`label=${LABEL.run}=${runId}`, ...(cluster ? [`label=${LABEL.cluster}=${cluster}`] : [])];
  let removed = 0;
  // A create that was in flight when a signal came lands after the first listing: look again until quiet.
  for (let pass = 0; pass < 4; pass++) {
    const found = removeContainersSync(filters);
    removed += found;
    if (found === 0 && pass > 0) break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
  }
  return removed;
}

function removeContainersSync(filters: string[]): number {
  try {
    const args = ['ps', '-aq', ...filters.flatMap((f) => ['--filter', f])];
    const ids = execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
    if (ids.length > 0) execFileSync('docker', ['rm', '-f', '-v', ...ids], { stdio: 'ignore' });
    return ids.length;
  } catch {
    return 0;
  }
}

/** Removes what earlier runs on this host left behind when their owner process is gone (kill -9, crash). */
export function reapOrphansSync(): number {
  let lines: string[];
  try {
    lines = execFileSync(
      'docker',
      ['ps', '-a', '--filter', `label=${LABEL.host}=${hostname()}`, '--format', `{{.Label "${LABEL.run}"}} {{.Label "${LABEL.owner}"}}`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    ).split('\n').filter(Boolean);
  } catch {
    return 0;
  }
  const deadRuns = new Set(lines.map((l) => l.split(' ')).filter(([, pid]) => !processAlive(Number(pid))).map(([run]) => run!));
  let removed = 0;
  for (const run of deadRuns) removed += removeRunSync(run);
  return removed;
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
 * `keep` leaves them and prints how to delete them instead.
 */
export function cleanupOnExit(runId: string, keep = false): void {
  const done = { value: false };
  const cleanup = () => {
    if (done.value) return;
    done.value = true;
    if (keep) {
      process.stderr.write(`KEEP=1: containers of run ${runId} were kept; delete them with:\n  docker rm -f $(docker ps -aq --filter label=${LABEL.run}=${runId})\n`);
      return;
    }
    removeRunSync(runId);
  };
  process.once('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanup();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}
