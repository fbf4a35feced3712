import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { docker } from '../docker.ts';
import { LABEL, newRunId } from '../run.ts';

const root = new URL('../../', import.meta.url).pathname;

async function containersOf(runId: string): Promise<string[]> {
  const out = await docker(['ps', '-a', '--filter', `label=${LABEL.run}=${runId}`, '--format', '{{.Names}}']);
  return out.stdout.split('\n').filter(Boolean);
}

/** Polls until `done` holds; the error says what was awaited. */
async function waitFor(what: string, done: () => Promise<boolean>, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
}

/** Starts `npm run up` in its own process group, like a terminal job, so a signal reaches it as Ctrl-C would. */
function startUp(runId: string) {
  const child = spawn(process.execPath, ['cli/up.ts', 'calico-lab'], {
    cwd: root,
    detached: true,
    env: { ...process.env, CNI_CONFORMANCE_RUN_ID: runId, CNI_CONFORMANCE_OWNER_PID: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  return { child, exited, output: () => output };
}

describe('lab cleanup on interruption', () => {
  it('removes every container when Ctrl-C (SIGINT) comes while the lab is still being created', async () => {
    const runId = newRunId();
    const up = startUp(runId);
    await waitFor(`the first container of run ${runId}`, async () => (await containersOf(runId)).length > 0, 60_000);
    process.kill(-up.child.pid!, 'SIGINT');
    expect(await up.exited, up.output()).toBe(130);
    expect(await containersOf(runId)).toEqual([]);
  });

  it('removes every container on SIGTERM once the lab is up', async () => {
    const runId = newRunId();
    const up = startUp(runId);
    await waitFor(`"ready" from npm run up (run ${runId})`, async () => up.output().includes('ready: calico-lab'), 60_000);
    expect((await containersOf(runId)).length).toBeGreaterThanOrEqual(2);
    process.kill(-up.child.pid!, 'SIGTERM');
    expect(await up.exited, up.output()).toBe(143);
    expect(await containersOf(runId)).toEqual([]);
  });
});

describe('conformance run cleanup on interruption', () => {
  // The CLI in its own process group, as a terminal starts a job; vitest runs in a group of its own (cli/forward-signal.ts).
  async function midRun(signal: (cli: number) => void) {
    const runId = newRunId();
    const out = `/tmp/cni-conformance-nested-${runId}`;
    const child = spawn(process.execPath, ['cli/conformance.ts', '--profile', 'calico-lab', '--no-report'], {
      cwd: root,
      detached: true,
      env: { ...process.env, CNI_CONFORMANCE_RUN_ID: runId, CNI_CONFORMANCE_OUT: out, CNI_CONFORMANCE_OWNER_PID: '' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(`the first container of run ${runId}`, async () => (await containersOf(runId)).length > 0, 120_000);
    signal(child.pid!);
    const code = await exited;
    await rm(out, { recursive: true, force: true });
    expect(await containersOf(runId)).toEqual([]);
    return code;
  }

  it('removes every container when Ctrl-C reaches npm run conformance mid-run (passed on to vitest and its workers)', async () => {
    expect(await midRun((cli) => process.kill(-cli, 'SIGINT'))).toBe(130);
  });

  it("removes every container when a lone SIGTERM reaches npm run conformance's own process mid-run", async () => {
    expect(await midRun((cli) => process.kill(cli, 'SIGTERM'))).toBe(143);
  });
});
