import { describe, expect, it } from 'vitest';
import { hostRunner, toolboxRunner } from './runner.ts';

// Stand-in tools (sleep, sh) in place of the plan's CLIs: the runner runs whatever argv it is given.
describe('runners honour the caller deadline (kube.run timeoutMs, e.g. C-CT-1)', () => {
  it('hostRunner stops the process at the deadline and says so', async () => {
    const started = Date.now();
    const result = await hostRunner('/tmp').run({ tool: 'sleep' as never, args: ['30'], why: 'test' }, AbortSignal.timeout(200));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.exitCode).toBe(124);
    expect(result.stderr).toMatch(/stopped at the caller's deadline/);
  });

  it('hostRunner: a tool not on PATH exits 127 as a shell says it, not 1', async () => {
    const result = await hostRunner('/tmp').run({ tool: 'cnc-no-such-tool' as never, args: [], why: 'test' });
    expect(result).toEqual({ stdout: '', stderr: 'cnc-no-such-tool: command not found (not on PATH)', exitCode: 127 });
  });

  it('hostRunner without a signal runs to the end', async () => {
    const result = await hostRunner('/tmp').run({ tool: 'sh' as never, args: ['-c', 'echo ok; exit 3'], why: 'test' });
    expect(result).toMatchObject({ stdout: 'ok', exitCode: 3 });
  });

  it('toolboxRunner answers at the deadline although a docker exec cannot be cancelled', async () => {
    const container = { exec: () => new Promise<never>(() => {}) };
    const result = await toolboxRunner(container as never, '/plan', undefined).run({ tool: 'cilium', args: ['connectivity', 'test'], why: 'test' }, AbortSignal.timeout(100));
    expect(result.exitCode).toBe(124);
    expect(result.stderr).toMatch(/cilium connectivity test: stopped/);
  });
});
