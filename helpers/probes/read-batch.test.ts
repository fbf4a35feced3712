import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../../clusters/types.ts';
import { answerBatch, readBatch } from './read-batch.ts';

const fake = (answers: Record<string, ExecResult>) => {
  const seen: string[][] = [];
  const exec = async (argv: string[]): Promise<ExecResult> => {
    seen.push(argv);
    const batch = await answerBatch(argv, async (a) => answers[a.join(' ')] ?? { stdout: '', stderr: `unexpected: ${a.join(' ')}`, exitCode: 1 });
    return batch ?? answers[argv.join(' ')] ?? { stdout: '', stderr: 'unexpected', exitCode: 1 };
  };
  return { on: { exec }, seen };
};

describe('readBatch', () => {
  it('answers every read from one exec, outputs and exit codes kept', async () => {
    const { on, seen } = fake({
      'ip -d link show': { stdout: '1: lo: <LOOPBACK>\n    link/loopback', stderr: '', exitCode: 0 },
      "cat /run/it's": { stdout: '', stderr: 'No such file', exitCode: 1 },
    });
    const reads = await readBatch(on, [['ip', '-d', 'link', 'show'], ['cat', "/run/it's"]]);
    expect(seen).toHaveLength(1);
    expect(await reads.exec(['ip', '-d', 'link', 'show'])).toEqual({ stdout: '1: lo: <LOOPBACK>\n    link/loopback', stderr: '', exitCode: 0 });
    expect(await reads.exec(['cat', "/run/it's"])).toEqual({ stdout: '', stderr: 'No such file', exitCode: 1 });
    expect(seen).toHaveLength(1);
  });

  it('runs a command it did not read up front on the executor itself', async () => {
    const { on, seen } = fake({ 'ip -4 route show table main': { stdout: 'default via 10.0.0.1 dev eth0', stderr: '', exitCode: 0 } });
    const reads = await readBatch(on, []);
    expect((await reads.exec(['ip', '-4', 'route', 'show', 'table', 'main'])).stdout).toBe('default via 10.0.0.1 dev eth0');
    expect(seen).toEqual([['ip', '-4', 'route', 'show', 'table', 'main']]);
  });

  it('runs the batch for real under sh', async () => {
    const local = { exec: async (argv: string[]) => { const r = await execa(argv[0]!, argv.slice(1), { reject: false }); return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 }; } };
    const reads = await readBatch(local, [['echo', 'a b'], ['sh', '-c', 'echo err >&2; exit 3']]);
    expect(await reads.exec(['echo', 'a b'])).toEqual({ stdout: 'a b', stderr: '', exitCode: 0 });
    expect(await reads.exec(['sh', '-c', 'echo err >&2; exit 3'])).toEqual({ stdout: '', stderr: 'err', exitCode: 3 });
  });
});
