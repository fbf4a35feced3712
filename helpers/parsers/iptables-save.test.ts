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

  it('reads rules with -c counters: kube-proxy KUBE-SEP chains are found, not dropped', () => {
    const s = load('subctl-1205-save-c-kube-sep.txt');
    expect(s.rules).toHaveLength(9);
    expect(s.rules[0]).toMatchObject({ chain: 'KUBE-SEP-EHRALZ2IVFLIEMXK', target: 'DNAT', comment: 'kube-system/kube-dns:dns', packets: 102, bytes: 8638 });
    expect(s.rules[0]?.text).toBe('-p udp -m comment --comment "kube-system/kube-dns:dns" -m udp -j DNAT --to-destination 10.131.0.2:53');
    expect(chainsWithPrefix(s, 'KUBE-SEP-')).toHaveLength(5);
    expect(s.unparsed).toEqual([]);
  });

  it('reads -c rules of a grep with their counters and keeps the chain at [0:0]', () => {
    const s = load('k8s-110328-save-c-grep.txt');
    expect(s.chains).toEqual([{ name: 'FOO', packets: 0, bytes: 0 }]);
    expect(s.rules.map((r) => [r.chain, r.target, r.packets, r.bytes])).toEqual([['OUTPUT', 'FOO', 53, 9070], ['FOO', 'REJECT', 1, 60]]);
    expect(s.unparsed).toEqual([]);
  });

  it('reports the shell prompt of a pasted grep as a line it does not understand', () => {
    expect(load('k3s-grep-kube-svc.txt').unparsed).toEqual(['k3s-agent-large-qtr:~ # iptables-save | grep KUBE-SVC']);
    expect(load('v1.6.1-kube-proxy-2018.txt').unparsed).toEqual([]);
  });

  it('reports unrelated text instead of dropping it', () => {
    expect(parseIptablesSave('iptables-save: command not found')).toEqual({ tables: [], chains: [], rules: [], unparsed: ['iptables-save: command not found'] });
  });
});
