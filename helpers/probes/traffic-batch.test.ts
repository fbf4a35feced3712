import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { Executor } from '../../clusters/types.ts';
import { Unanswered } from '../../clusters/unanswered.ts';
import { batchScript, parseBatchOutput, runBatch } from './traffic-batch.ts';
import { probed } from './traffic.ts';

/** Runs argv on this machine: the batch script is plain POSIX sh, as in a lab node or netshoot. */
const local: Executor = {
  async exec(argv) {
    const r = await execa(argv[0]!, argv.slice(1), { reject: false });
    return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
  },
};

describe('traffic batch', () => {
  it('runs commands at once and returns each one\'s stdout, stderr and exit code, quoting included', async () => {
    const runs = await runBatch(local, [
      ['a', ['sh', '-c', 'echo out; echo err >&2; exit 3']],
      ['b', ['printf', "%s\\n", "it's 'quoted'; $(not run)"]],
      ['c with space', ['true']],
    ]);
    expect(runs.get('a')).toEqual({ command: 'sh -c echo out; echo err >&2; exit 3', stdout: 'out', stderr: 'err', exitCode: 3 });
    expect(runs.get('b')?.stdout).toBe("it's 'quoted'; $(not run)");
    expect(runs.get('c with space')).toMatchObject({ stdout: '', stderr: '', exitCode: 0 });
  });

  it('runs them in parallel: three 0.3 s sleeps take well under 0.9 s', async () => {
    const started = performance.now();
    await runBatch(local, [['1', ['sleep', '0.3']], ['2', ['sleep', '0.3']], ['3', ['sleep', '0.3']]]);
    expect(performance.now() - started).toBeLessThan(800);
  });

  it('forks one process per command: one cat prints every section, markers and exit codes come from builtin printf', () => {
    const script = batchScript('T', [['a', ['true']], ['b', ['true']], ['c', ['true']]]);
    expect(script.match(/\bcat\b/g)).toHaveLength(1);
    expect(script).not.toContain('$(cat');
    // A parallel command is the script's own background job, not a subshell forking it again.
    expect(script).not.toMatch(/^\(/m);
  });

  it('says so when a command never reported, instead of inventing an empty success', () => {
    const runs = parseBatchOutput('T', [['x', ['ping']]], 'garbage', 'sh exited 127: mktemp: not found');
    expect(runs.get('x')).toEqual({ command: 'ping', stdout: '', stderr: 'batch did not report this command: sh exited 127: mktemp: not found', exitCode: -1 });
  });

  it('a batch nothing answered (the pod\'s container stopped) leaves each client not run, with the cause; a harness bug still throws', async () => {
    const stopped: Executor = { exec: async (argv) => { throw new Unanswered(argv.join(' '), 'container cc-1-node-a', 'Error response from daemon: Container 3f9c is not running'); } };
    const runs = await runBatch(stopped, [['0', ['ping', '-c', '1', '10.0.0.2']], ['1', ['curl', 'http://10.0.0.2:8080/']]]);
    for (const key of ['0', '1']) {
      expect(runs.get(key)).toMatchObject({ stderr: 'batch did not report this command: container cc-1-node-a: Error response from daemon: Container 3f9c is not running', exitCode: -1 });
    }
    const client = { argv: ['ping', '-c', '1', '10.0.0.2'], parse: () => null };
    expect(probed(client, runs.get('0')!).unobserved).toBe('the client did not run: batch did not report this command: container cc-1-node-a: Error response from daemon: Container 3f9c is not running');
    const buggy: Executor = { exec: async () => { throw new TypeError('argv is not iterable'); } };
    await expect(runBatch(buggy, [['0', ['true']]])).rejects.toThrow(TypeError);
  });
});

describe('traffic batch phases', () => {
  it('runs "before" commands alone first and "after" commands once the parallel ones ended', async () => {
    const f = `/tmp/cnc-batch-test-${process.pid}`;
    const runs = await runBatch(local, [
      ['flush', ['sh', '-c', `echo start > ${f}`]],
      ['work', ['sh', '-c', `sleep 0.2; cat ${f}; echo work >> ${f}`]],
      ['read', ['sh', '-c', `cat ${f}; rm -f ${f}`]],
    ], { before: ['flush'], after: ['read'] });
    expect(runs.get('work')?.stdout).toBe('start');
    expect(runs.get('read')?.stdout).toBe('start\nwork');
  });
});
