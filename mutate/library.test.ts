import { describe, expect, it } from 'vitest';
import { labProfiles } from '../clusters/profiles/lab/index.ts';
import { selection } from '../cli/mutate.ts';
import { faultLibrary, faultsFor } from './library.ts';
import { hopScoreOf, judgeLocated, renderReport, scoreOf, type ProfileOutcome } from './report.ts';

const labNames = labProfiles.map((p) => p.name);

describe('fault library', () => {
  it('declares each fault once, with a title, a class and only real lab profiles', () => {
    expect(new Set(faultLibrary.map((f) => f.id)).size).toBe(faultLibrary.length);
    for (const f of faultLibrary) {
      expect(f.title.length, f.id).toBeGreaterThan(10);
      expect(f.profiles.length, f.id).toBeGreaterThan(0);
      expect(f.profiles.filter((p) => !labNames.includes(p)), f.id).toEqual([]);
    }
  });

  it('has faults for every lab profile', () => {
    expect(labNames.filter((p) => faultsFor(p).length === 0)).toEqual([]);
  });

  it('selects by profile: Calico gateway faults only where cali veths exist, daemons where they run', () => {
    const ids = (p: string) => faultsFor(p).map((f) => f.id);
    expect(ids('calico-lab')).toEqual(expect.arrayContaining(['drop-tcp', 'drop-udp', 'loss-50', 'path-mtu', 'proxy-arp-off', 'route-to-wrong-veth', 'host-veth-mtu', 'forwarding-off', 'ip-rule-prohibit']));
    expect(ids('calico-lab')).not.toContain('stop-bird');
    expect(ids('flannel-host-gw')).not.toContain('proxy-arp-off');
    expect(ids('calico-bgp-rr')).toEqual(expect.arrayContaining(['stop-bird', 'extra-bgp-session', 'overlapping-announcement']));
    expect(ids('calico-bgp-mesh')).not.toContain('extra-bgp-session');
    expect(ids('flannel-vxlan')).toEqual(expect.arrayContaining(['vxlan-port-dropped-remote', 'vxlan-learning-on', 'wrong-vtep-fdb', 'stale-more-specific-route']));
    expect(ids('fund-frr')).toEqual(expect.arrayContaining(['stop-bgpd', 'stop-ospfd']));
    expect(ids('fund-routers')).toEqual(expect.arrayContaining(['forwarding-off', 'ip-rule-prohibit']));
  });

  it('narrows to given ids and rejects unknown ones, naming the known', () => {
    expect(faultsFor('calico-lab', ['proxy-arp-off']).map((f) => f.id)).toEqual(['proxy-arp-off']);
    expect(() => faultsFor('calico-lab', ['nope'])).toThrow(/fault nope: unknown; known: drop-tcp, /);
  });
});

describe('npm run mutate arguments', () => {
  it('defaults to every lab profile and takes lab names', () => {
    expect(selection({}).profiles.map((p) => p.name)).toEqual(labNames);
    expect(selection({ profile: 'calico-lab,fund-frr' }).profiles.map((p) => p.name)).toEqual(['calico-lab', 'fund-frr']);
  });

  it('rejects an unknown profile, a kind profile, an unknown fault and a fault of no chosen profile, all at once', () => {
    expect(() => selection({ profile: 'nope,cilium-kpr', fault: 'x' })).toThrow(/profile "lab\/nope": unknown profile; lab profiles: calico-lab, [\s\S]*profile "lab\/cilium-kpr": unknown[\s\S]*fault x: unknown/);
    expect(() => selection({ profile: 'calico-lab', fault: 'nope' })).toThrow(/fault nope: unknown/);
    expect(() => selection({ profile: 'calico-lab', fault: 'stop-bgpd' })).toThrow(/--fault stop-bgpd: applies to none of calico-lab/);
  });
});

describe('mutation report', () => {
  const outcome: ProfileOutcome = {
    profile: 'calico-lab', behaviours: ['K-GW-1', 'X-POD-1'], skipped: [], baseline: [],
    faults: [
      { fault: 'proxy-arp-off', title: 'proxy_arp off', result: 'caught', caughtBy: ['K-GW-1'], detail: { 'K-GW-1': ['x'] } },
      { fault: 'drop-tcp', title: 'TCP dropped', result: 'missed', caughtBy: [], detail: {} },
      { fault: 'stop-bird', title: 'bird stopped', result: 'not-applied', caughtBy: [], detail: {}, error: 'node-b: no bird process' },
    ],
  };

  it('scores caught over caught + missed, leaving what could not be applied out', () => {
    expect(scoreOf(outcome.faults)).toEqual({ caught: 1, total: 2 });
  });

  it('prints the fault x behaviour table, the scores as figures and the missed faults', () => {
    const text = renderReport([outcome]);
    expect(text).toMatch(/proxy-arp-off +X +\. +caught/);
    expect(text).toMatch(/drop-tcp +\. +\. +missed/);
    expect(text).toContain('score calico-lab: 1/2 caught (50%)');
    expect(text).toMatch(/overall +1\/2 +50%/);
    expect(text).toContain('missed faults (1):\n  calico-lab: drop-tcp (TCP dropped)');
    expect(text).toContain('calico-lab: stop-bird not-applied: node-b: no bird process');
  });

  it('scores the named hop against the injection point: every traced pair of a caught fault must name an injected hop', () => {
    const filterB = { node: 'node-b', kind: 'filter' as const, chain: 'FORWARD' as const };
    const right = judgeLocated([{ what: 'pod-a1 -> pod-b1 TCP', at: filterB, text: 'lost between eth0 on node-b and cali1 on node-b (node-b FORWARD dropped 2: ...)' }], [filterB]);
    expect(right).toEqual([{ what: 'pod-a1 -> pod-b1 TCP', at: filterB, text: expect.stringContaining('FORWARD dropped 2'), right: true }]);
    // Another node's chain, another chain, no hop named: not right.
    expect(judgeLocated([{ what: 'x', at: { ...filterB, node: 'node-a' }, text: 't' }], [filterB])[0]!.right).toBe(false);
    expect(judgeLocated([{ what: 'x', at: { ...filterB, chain: 'INPUT' }, text: 't' }], [filterB])[0]!.right).toBe(false);
    expect(judgeLocated([{ what: 'x', text: 'not located: every hop saw the traced packets' }], [filterB])[0]!.right).toBe(false);
    // A device named by the injection point must be the one named by the trace.
    const veth = { node: 'node-b', kind: 'host-veth' as const, device: 'cali1', pod: 'pod-b1' };
    expect(judgeLocated([{ what: 'x', at: { ...veth, device: 'cali2', pod: 'pod-b2' }, text: 't' }], [veth])[0]!.right).toBe(false);

    const traced: ProfileOutcome = {
      profile: 'calico-lab', behaviours: ['X-POD-1'], skipped: [], baseline: [],
      faults: [
        { fault: 'drop-tcp', title: 'TCP dropped', result: 'caught', caughtBy: ['X-POD-1'], detail: {}, injectedAt: [filterB], located: [...right, ...right] },
        { fault: 'proxy-arp-off', title: 'proxy_arp off', result: 'caught', caughtBy: ['X-POD-1'], detail: {}, injectedAt: [veth], located: [...judgeLocated([{ what: 'pod-b1 -> pod-a1 ICMP', at: veth, text: 'a' }], [veth]), ...judgeLocated([{ what: 'pod-a1 -> pod-b1 ICMP', at: filterB, text: 'lost at eth0 of pod-b1' }], [veth])] },
        { fault: 'stop-bird', title: 'bird stopped', result: 'caught', caughtBy: ['K-BGP-1'], detail: {} },
      ],
    };
    expect(hopScoreOf(traced.faults)).toEqual({ caught: 1, total: 2 });
    const text = renderReport([traced]);
    expect(text).toMatch(/named hop = injected hop[^\n]*\n  calico-lab +1\/2 +50%/);
    expect(text).toContain('named another hop:\n  calico-lab: proxy-arp-off: injected at cali1 on node-b\n    pod-a1 -> pod-b1 ICMP: lost at eth0 of pod-b1');
  });
});
