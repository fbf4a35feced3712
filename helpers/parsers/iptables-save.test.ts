import { describe, it, expect } from 'vitest';
import { chainsWithPrefix, parseIptablesSave, rulesForService } from './iptables-save.ts';
import { fixture } from './fixture.ts';

const load = (name: string) => parseIptablesSave(fixture('iptables-save', name));

describe('parseIptablesSave', () => {
  it('reads tables, chains with policy and counters', () => {
    const s = load('v1.6.1-kube-proxy-2018.txt');
    expect(s.tables).toEqual(['raw', 'mangle', 'nat']);
    expect(s.chains[0]).toEqual({ table: 'raw', name: 'PREROUTING', policy: 'ACCEPT', packets: 195440, bytes: 116461465 });
    expect(s.chains.find((c) => c.name === 'CILIUM_POST_mangle')).toEqual({ table: 'mangle', name: 'CILIUM_POST_mangle', packets: 0, bytes: 0 });
    expect(chainsWithPrefix(s, 'KUBE-SEP-')).toHaveLength(4);
  });

  it('reads rules with target and comment', () => {
    const s = load('v1.4.21-kube-proxy-nat.txt');
    expect(s.rules[0]).toEqual({
      table: 'nat', chain: 'PREROUTING', target: 'KUBE-SERVICES', comment: 'kubernetes service portals',
      text: '-m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    });
    expect(chainsWithPrefix(s, 'KUBE-SVC-')).toEqual(['KUBE-SVC-ERIFXISQEP7F7OF4', 'KUBE-SVC-NPX46M4PTMTKRN6Y', 'KUBE-SVC-TCOU7JCQXEZGVUNU']);
  });

  it('finds service rules by comment in grep output (no table header)', () => {
    const s = load('k3s-grep-kube-svc.txt');
    const dns = rulesForService(s, 'kube-system/kube-dns');
    expect(dns.map((r) => r.target)).toEqual(['KUBE-SVC-ERIFXISQEP7F7OF4', 'KUBE-SVC-JD5MR3NA4I4DYORP', 'KUBE-SVC-TCOU7JCQXEZGVUNU']);
    expect(dns[0]?.table).toBeUndefined();
    expect(rulesForService(s, 'kube-system/kube')).toEqual([]);
  });

  it('finds no KUBE-SVC chain on a Cilium kube-proxy-free node', () => {
    const s = load('cilium-kpr-grep-cilium.txt');
    expect(chainsWithPrefix(s, 'KUBE-SVC-')).toEqual([]);
    expect(chainsWithPrefix(s, 'CILIUM_')).toContain('CILIUM_POST_nat');
  });

  it('returns nothing for unrelated text', () => {
    expect(parseIptablesSave('iptables-save: command not found')).toEqual({ tables: [], chains: [], rules: [] });
  });
});
