import { describe, expect, test } from 'vitest';
import { kindProfiles } from '../profiles/kind/index.ts';
import { buildPlan } from './plan.ts';
import { loadKindProfile } from './profiles.ts';
import { provision } from './provision.ts';
import type { Command } from './types.ts';

const plan = (name: string) => ({ ...buildPlan(loadKindProfile(name), { runId: 'unit', dir: '/abs/plan', kindGateway: '172.23.0.1' }), downloads: [] });

/** A runner on a fake clock: each command takes `cost(command)` ms, and the clock reads that time. */
function fakeRun(cost: (c: Command) => number) {
  let now = 0;
  const ran: Command[] = [];
  return {
    ran,
    clock: () => now,
    runner: { where: 'fake', async run(command: Command) { ran.push(command); now += cost(command); return { stdout: '', stderr: '', exitCode: 0 }; } },
  };
}

describe('provisioning phases of a kind profile, timed on the rendered plan', () => {
  test.each(kindProfiles.map((p) => p.name))('%s: every command belongs to a phase, in the order cluster up, CNI ready, workloads ready', (name) => {
    const p = plan(name);
    const order = ['images pulled', 'cluster up', 'CNI ready', 'clustermesh connected', 'workloads ready'];
    const seen = [...new Set(p.commands.map((c) => c.phase))];
    expect(seen.every((s) => s !== undefined)).toBe(true);
    expect(seen).toEqual(order.filter((o) => seen.includes(o as never)));
    expect(seen).toEqual(expect.arrayContaining(['cluster up', 'CNI ready', 'workloads ready']));
  });

  test('provision returns each phase with the time its commands took and how many ran', async () => {
    const p = plan('calico-bgp-rr');
    // kind create 40 s, every wait 5 s, anything else 1 s.
    const fake = fakeRun((c) => (c.tool === 'kind' && c.args[0] === 'create' ? 40_000 : c.args.includes('wait') || c.args.includes('rollout') ? 5_000 : 1_000));
    const phases = await provision(p, '/abs/plan', fake.runner, () => {}, undefined, fake.clock);
    const expected = (phase: string) => {
      const commands = p.commands.filter((c) => c.phase === phase);
      return { phase, steps: commands.length, ms: commands.reduce((sum, c) => sum + (c.tool === 'kind' && c.args[0] === 'create' ? 40_000 : c.args.includes('wait') || c.args.includes('rollout') ? 5_000 : 1_000), 0) };
    };
    expect(phases).toEqual(['images pulled', 'cluster up', 'CNI ready', 'workloads ready'].map(expected));
    expect(phases.find((x) => x.phase === 'cluster up')!.ms).toBeGreaterThanOrEqual(40_000);
    expect(fake.ran).toHaveLength(p.commands.length);
  });

  test('a two-cluster profile has its clustermesh phase between the CNI and the workloads', async () => {
    const p = plan('cilium-clustermesh');
    const fake = fakeRun((c) => (c.phase === 'clustermesh connected' ? 7_000 : 100));
    const phases = await provision(p, '/abs/plan', fake.runner, () => {}, undefined, fake.clock);
    expect(phases.map((x) => x.phase)).toEqual(['images pulled', 'cluster up', 'CNI ready', 'clustermesh connected', 'workloads ready']);
    expect(phases.find((x) => x.phase === 'clustermesh connected')).toEqual({ phase: 'clustermesh connected', ms: 21_000, steps: 3 });
  });

  test('the ready line names each phase with its time', async () => {
    const lines: string[] = [];
    const fake = fakeRun(() => 2_000);
    await provision(plan('flannel-vxlan'), '/abs/plan', fake.runner, (l) => lines.push(l), undefined, fake.clock);
    // CNI ready: flannel apply -k, its rollout, and the coredns rollout (pod networking), 2 s each.
    expect(lines.at(-1)).toMatch(/ready in .*: images pulled \d+\.\ds, cluster up \d+\.\ds, CNI ready 6\.0s, workloads ready \d+\.\ds$/);
  });
});
