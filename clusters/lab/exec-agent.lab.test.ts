import { describe, expect, it } from 'vitest';
import { newRunId, runLabels } from '../run.ts';
import { Unanswered } from '../unanswered.ts';
import { openExecChannel } from './exec-agent.ts';
import { ensureLabImage } from './image.ts';
import { startNodeContainer } from './node.ts';

describe('lab exec agent: one docker exec per node, commands as docker exec runs them', () => {
  it('runs commands at once with their own output and exit codes, binary-safe, stdin closed, not held by background processes', async () => {
    const { tag } = await ensureLabImage();
    const runId = newRunId();
    const container = await startNodeContainer({ image: tag, containerName: `cnc-${runId}-agent`, labels: runLabels(runId, 'agent') });
    try {
      const channel = await openExecChannel(container.getId());
      // Ten commands that each sleep 0.3 s end together in well under their 3 s sum.
      const started = performance.now();
      const many = await Promise.all(Array.from({ length: 10 }, (_, i) => channel.exec(['sh', '-c', `sleep 0.3; echo out${i}; echo err${i} >&2; exit ${i}`])));
      expect(performance.now() - started).toBeLessThan(2_000);
      many.forEach((r, i) => expect(r).toEqual({ stdout: `out${i}\n`, stderr: `err${i}\n`, exitCode: i }));
      // Arguments with spaces, quotes, newlines, an empty one and non-ASCII reach the command unchanged.
      const args = ['a b', "it's", 'two\nlines', '', 'ü→'];
      const echoed = await channel.exec(['perl', '-e', 'print join("|", @ARGV)', ...args]);
      expect(echoed.stdout).toBe(args.join('|'));
      // A megabyte of output, and output without a trailing newline.
      expect((await channel.exec(['head', '-c', '1048576', '/dev/zero'])).stdout.length).toBe(1_048_576);
      // As docker exec: a missing program is exit 127 with a message, a signal is 128+N, stdin is at EOF at once.
      const missing = await channel.exec(['no-such-program']);
      expect(missing.exitCode).toBe(127);
      expect(missing.stderr).toMatch(/no-such-program/);
      expect((await channel.exec(['sh', '-c', 'kill -TERM $$'])).exitCode).toBe(143);
      expect(await channel.exec(['cat'])).toEqual({ stdout: '', stderr: '', exitCode: 0 });
      // A daemon left running with the command's output open does not hold the reply back.
      const t = performance.now();
      const bg = await channel.exec(['sh', '-c', 'sleep 30 & echo started']);
      expect(bg).toEqual({ stdout: 'started\n', stderr: '', exitCode: 0 });
      expect(performance.now() - t).toBeLessThan(5_000);
      // The same commands through docker exec give the same result.
      const direct = await container.exec(['sh', '-c', 'echo out; echo err >&2; exit 3']);
      expect(await channel.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ stdout: direct.stdout, stderr: direct.stderr, exitCode: direct.exitCode });
    } finally {
      await container.stop({ remove: true });
    }
  }, 120_000);

  it('rejects commands, naming the container, once the container is gone', async () => {
    const { tag } = await ensureLabImage();
    const runId = newRunId();
    const container = await startNodeContainer({ image: tag, containerName: `cnc-${runId}-agent-gone`, labels: runLabels(runId, 'agent') });
    const channel = await openExecChannel(container.getId());
    const short = container.getId().slice(0, 12);
    // Unanswered (an INCONCLUSIVE check, clusters/unanswered.ts), naming the command, the container and docker's exit.
    const inFlight = channel.exec(['sleep', '60']).catch((e: unknown) => e);
    await container.stop({ remove: true, timeout: 0 });
    const error = await inFlight;
    expect(error).toBeInstanceOf(Unanswered);
    expect((error as Error).message).toMatch(new RegExp(`^sleep 60 in container ${short}: no answer: exec agent in container ${short} ended \\(docker exec exited \\d+\\)`));
    await expect(channel.exec(['ip', '-4', 'route', 'show'])).rejects.toThrow(new RegExp(`^ip -4 route show in container ${short}: no answer: .*ended`));
  }, 120_000);
});
