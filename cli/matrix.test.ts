import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url).pathname;
const run = (args: string[], env: Record<string, string> = {}) => execa('node', args, { cwd: root, reject: false, env });
/**
 * A test here starts node on a CLI twice, each loading the profile list and the behaviour catalogue cold. Measured on
 * the 2-core machine under load (load average 22-24 plus two busy loops), 5 runs of this file: 1.4-12.4 s a test (the
 * two report builds 6.6-12.4 s); at vitest's default 5 s, 9 of 12 runs of the three older tests timed out. 60 s is
 * about five times the slowest.
 */
const MATRIX_CLI_TIMEOUT_MS = 60_000;

describe('npm run matrix: requested.json', () => {
  // A stand-in for `npx vitest run ...` (found on PATH first): keeps requested.json as it finds it, then exits 3, or kills
  // npm run matrix itself (SIGKILL, as a runner does after a timeout's SIGINT and SIGTERM) while "vitest" runs.
  const fakeVitest = '#!/bin/sh\ncp "$CNI_CONFORMANCE_OUT/requested.json" "$SEEN"\n[ -n "$KILL_MATRIX" ] && kill -9 "$PPID"\nexit 3\n';
  const matrixWithFakeVitest = async (env: Record<string, string> = {}) => {
    const dir = await mkdtemp(join(tmpdir(), 'cnc-requested-'));
    await mkdir(join(dir, 'bin'));
    await writeFile(join(dir, 'bin', 'npx'), fakeVitest, { mode: 0o755 });
    const out = join(dir, 'out');
    const result = await run(['cli/matrix.ts', 'kind/cilium-kpr', '--out', out], { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, SEEN: join(dir, 'seen.json'), ...env });
    const read = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as unknown;
    return { dir, result, seen: await read(join(dir, 'seen.json')), last: await read(join(out, 'runs', 'kind', 'requested.json')) };
  };

  it('is written before vitest starts ("did not finish"), then rewritten with how vitest ended', async () => {
    const { dir, result, seen, last } = await matrixWithFakeVitest();
    try {
      expect(seen).toEqual({ provider: 'kind', profiles: ['kind/cilium-kpr'], status: 'did not finish' });
      expect(last).toEqual({ provider: 'kind', profiles: ['kind/cilium-kpr'], status: 'finished', exitCode: 3 });
      expect(result.exitCode).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, MATRIX_CLI_TIMEOUT_MS);

  it('still says "did not finish" when the run is killed mid-vitest (a job timeout)', async () => {
    const { dir, result, last } = await matrixWithFakeVitest({ KILL_MATRIX: '1' });
    try {
      expect(result.signal).toBe('SIGKILL');
      expect(last).toEqual({ provider: 'kind', profiles: ['kind/cilium-kpr'], status: 'did not finish' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, MATRIX_CLI_TIMEOUT_MS);
});

describe('npm run matrix / report / summary: bad input stops before anything runs', () => {
  it('matrix refuses an unknown profile or option, listing the known names', async () => {
    const bad = await run(['cli/matrix.ts', 'lab/calico-lab', 'kind/nope']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('matrix: profile "kind/nope": matches no profile\nknown: lab/calico-lab,');
    expect(bad.stdout).not.toContain('matrix: lab:');
    const option = await run(['cli/matrix.ts', '--profiles', 'x']);
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toContain('unknown option --profiles');
  }, MATRIX_CLI_TIMEOUT_MS);

  it('report --merge refuses a missing folder and stray arguments without --merge', async () => {
    const missing = await run(['reports/build-report.ts', '--merge', '/nonexistent/run']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('result folder /nonexistent/run: does not exist or is not a folder');
    const stray = await run(['reports/build-report.ts', 'some/dir']);
    expect(stray.exitCode).toBe(2);
    expect(stray.stderr).toContain('unexpected some/dir: result folders go after --merge');
  }, MATRIX_CLI_TIMEOUT_MS);

  it('summary appends the matrix Markdown to $GITHUB_STEP_SUMMARY, and says what is missing', async () => {
    const site = await mkdtemp(join(tmpdir(), 'cnc-summary-'));
    try {
      await writeFile(join(site, 'matrix.md'), '## CNI conformance matrix\n');
      const summary = join(site, 'step-summary.md');
      await writeFile(summary, 'before\n');
      const ok = await run(['reports/summary.ts', site], { GITHUB_STEP_SUMMARY: summary });
      expect(ok.exitCode).toBe(0);
      expect(await readFile(summary, 'utf8')).toBe('before\n## CNI conformance matrix\n');
      const none = await run(['reports/summary.ts', join(site, 'nothing')]);
      expect(none.exitCode).toBe(2);
      expect(none.stderr).toContain('matrix.md: missing; build it first');
    } finally {
      await rm(site, { recursive: true, force: true });
    }
  }, MATRIX_CLI_TIMEOUT_MS);
});
