import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from './preflight.ts';
import { parseDebianMirror } from './lab/image.ts';
import { labProfileProblems } from './lab/validate.ts';
import { calicoLab } from './profiles/lab/calico-lab.ts';
import { getProfile } from './profiles/index.ts';

describe('preflight', () => {
  it('refuses Node older than 22.19 and says how to get a newer one', () => {
    expect(nodeVersionProblem('20.20.2')).toMatch(/Node 20\.20\.2 is too old: cni-conformance needs Node >= 22\.19.*nvm install 24/);
    expect(nodeVersionProblem('22.18.0')).toMatch(/too old/);
    expect(nodeVersionProblem('22.19.0')).toBeUndefined();
    expect(nodeVersionProblem('24.11.1')).toBeUndefined();
  });

  it('finds the Debian mirror in deb822 and one-line sources, never the security archive', () => {
    const deb822 = 'Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n\nTypes: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\n';
    expect(parseDebianMirror(deb822)).toBe('http://mirror.example/debian');
    expect(parseDebianMirror('deb [arch=amd64] http://ftp.example.org/debian bookworm main\n')).toBe('http://ftp.example.org/debian');
    expect(parseDebianMirror('deb https://packages.example.com/apt stable main\n')).toBeUndefined();
  });
});

describe('profiles', () => {
  it('lists the known profiles for an unknown name', () => {
    expect(() => getProfile('calico-ipp')).toThrow(/profile "calico-ipp": unknown profile; known: .*calico-lab/);
  });

  it('asks for provider/name when a name exists on several providers, and resolves qualified names', () => {
    expect(() => getProfile('calico-vxlan')).toThrow('profile "calico-vxlan": exists on several providers; say lab/calico-vxlan or kind/calico-vxlan');
    expect(getProfile('kind/calico-vxlan').provider).toBe('kind');
    expect(getProfile('lab/calico-vxlan').provider).toBe('lab');
    expect(getProfile('calico-lab').provider).toBe('lab');
  });

  it('accepts calico-lab and reports every problem of a broken lab profile at once', () => {
    expect(labProfileProblems(calicoLab)).toEqual([]);
    const broken = {
      ...calicoLab,
      links: [{ kind: 'p2p' as const, a: { node: 'node-a', iface: 'eth0', address: '172.30.0.11' }, b: { node: 'node-z', iface: 'a-very-long-interface', address: '172.30.0.12/24' } }],
      pods: [...calicoLab.pods, { name: 'pod-a1', node: 'node-q', address: '10.244.0.999x' }],
    };
    expect(labProfileProblems(broken)).toEqual([
      'profile "calico-lab": link end node-a/eth0: address "172.30.0.11" is not IPv4 CIDR',
      'profile "calico-lab": link end node-z/a-very-long-interface: node "node-z" is not declared; nodes: node-a, node-b',
      'profile "calico-lab": link end node-z/a-very-long-interface: interface names are at most 15 characters',
      'profile "calico-lab": pod "pod-a1": node "node-q" is not declared',
      'profile "calico-lab": pod "pod-a1": address "10.244.0.999x" is not IPv4',
      'profile "calico-lab": pod "pod-a1" is declared twice',
    ]);
  });
});
