import { describe, expect, it } from 'vitest';
import { kindProfiles } from '../profiles/kind/index.ts';
import { BRIDGE_NF_SYSCTL, brNetfilterRefusal, bridgesPods } from './br-netfilter.ts';
import { nodeNames } from './naming.ts';
import { buildPlan, renderCommand } from './plan.ts';
import { loadKindProfile } from './profiles.ts';

const plan = (name: string) => buildPlan(loadKindProfile(name), { runId: 'unit', dir: '/abs/plan', kindGateway: '172.23.0.1' });

describe('br_netfilter for CNIs that bridge pods (X-SVC-1 on flannel)', () => {
  it.each(['flannel-vxlan', 'flannel-host-gw'])('%s: right after kind create, every node must see bridge-nf-call-iptables (loaded through the node, else the fix)', (name) => {
    const p = plan(name);
    const rendered = p.commands.map(renderCommand);
    const create = rendered.findIndex((c) => c.startsWith('kind create cluster'));
    const checks = rendered.filter((c) => c.includes(BRIDGE_NF_SYSCTL));
    expect(checks.map((c) => c.split(' ')[2])).toEqual(nodeNames(p.clusters[0]!, loadKindProfile(name).clusters[0]!.nodes));
    expect(checks.length).toBeGreaterThanOrEqual(2);
    expect(rendered.indexOf(checks[0]!)).toBe(create + 1);
    expect(rendered.findIndex((c) => c.includes('kube-flannel'))).toBeGreaterThan(rendered.indexOf(checks.at(-1)!));
    expect(checks[0]).toContain('modprobe br_netfilter');
    expect(checks[0]).toContain('sudo modprobe br_netfilter');
  });

  it('other CNIs get no such step', () => {
    for (const p of kindProfiles.filter((x) => !x.clusters.some(bridgesPods))) {
      expect(plan(p.name).commands.map(renderCommand).filter((c) => c.includes(BRIDGE_NF_SYSCTL))).toEqual([]);
    }
  });

  it('refuses before creating anything where the kernel can neither show nor load it, with the fix', () => {
    const flannel = loadKindProfile('flannel-vxlan').clusters;
    expect(brNetfilterRefusal(flannel, { sysctlPresent: false, loadable: false })).toMatch(/br_netfilter is neither loaded .* nor loadable .*fix: sudo modprobe br_netfilter/);
    expect(brNetfilterRefusal(flannel, { sysctlPresent: false, loadable: true })).toBeUndefined();
    expect(brNetfilterRefusal(flannel, { sysctlPresent: true, loadable: false })).toBeUndefined();
    expect(brNetfilterRefusal(loadKindProfile('cilium-native').clusters, { sysctlPresent: false, loadable: false })).toBeUndefined();
  });
});
