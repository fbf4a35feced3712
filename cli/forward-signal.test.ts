import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pollUntilDone } from '../helpers/probes/poll.ts';

const driver = new URL('./fixtures/forward-signal-driver.ts', import.meta.url).pathname;

describe('the conformance CLI hands vitest the first signal it gets (cli/forward-signal.ts)', () => {
  let dir: string;
  let killAll = () => {};
  afterEach(async () => { killAll(); if (dir) await rm(dir, { recursive: true, force: true }); });

  async function start() {
    dir = await mkdtemp(join(tmpdir(), 'cnc-signal-'));
    const log = join(dir, 'signals.log');
    // Its own process group, as a shell starts a job: a terminal's Ctrl-C signals that group.
    const cli = spawn(process.execPath, [driver], { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SIGNAL_LOG: log } });
    let stderr = '';
    cli.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const lines = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    await pollUntilDone('vitest and its worker up', async () => ((await lines()).filter((l) => l.includes(':ready:')).length === 2 ? [] : ['not yet']), 30_000, 50);
    const pids = (await lines()).filter((l) => l.includes(':ready:')).map((l) => Number(l.split(':')[2]));
    killAll = () => { for (const pid of [...pids, cli.pid!]) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } } };
    const signals = async () => (await lines()).filter((l) => !l.includes(':ready:')).sort();
    return { cli, stderr: () => stderr, signals };
  }

  it('a lone SIGTERM to the CLI reaches vitest and its worker once; a later Ctrl-C is not passed on', async () => {
    const { cli, stderr, signals } = await start();
    process.kill(cli.pid!, 'SIGTERM');
    await pollUntilDone('SIGTERM at vitest and its worker', async () => ((await signals()).length === 2 ? [] : ['not yet']), 10_000, 50);
    process.kill(-cli.pid!, 'SIGINT');
    await pollUntilDone('the CLI saying the run is already stopping', async () => (stderr().includes('SIGINT: the run is already stopping on SIGTERM') ? [] : ['not yet']), 10_000, 50);
    expect(await signals()).toEqual(['vitest:SIGTERM', 'worker:SIGTERM']);
  });

  it("a terminal's Ctrl-C (SIGINT to the CLI's process group) reaches vitest and its worker once, through the CLI", async () => {
    const { cli, stderr, signals } = await start();
    process.kill(-cli.pid!, 'SIGINT');
    await pollUntilDone('SIGINT at vitest and its worker', async () => ((await signals()).length >= 2 ? [] : ['not yet']), 10_000, 50);
    // A barrier: the CLI has handled a second signal, so a duplicate SIGINT would have been logged by now.
    process.kill(cli.pid!, 'SIGHUP');
    await pollUntilDone('the CLI saying the run is already stopping', async () => (stderr().includes('SIGHUP: the run is already stopping on SIGINT') ? [] : ['not yet']), 10_000, 50);
    expect(await signals()).toEqual(['vitest:SIGINT', 'worker:SIGINT']);
  });
});
