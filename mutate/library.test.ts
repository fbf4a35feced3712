import { describe, expect, it } from 'vitest';
import { labProfiles } from '../clusters/profiles/lab/index.ts';
import { selection } from '../cli/mutate.ts';
import { faultLibrary, faultsFor } from './library.ts';
import { renderReport, scoreOf, type ProfileOutcome } from './report.ts';

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
});
