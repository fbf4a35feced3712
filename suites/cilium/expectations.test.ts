import { describe, it, expect } from 'vitest';
import { parseCiliumStatus } from '../../helpers/parsers/cilium-status.ts';
import { parseClusterMeshStatus } from '../../helpers/parsers/cilium-clustermesh-status.ts';
import { chainsWithPrefix, parseIptablesSave } from '../../helpers/parsers/iptables-save.ts';
import { fixture } from '../../helpers/parsers/fixture.ts';
import { expectKpr } from './c-kpr-1.ts';
import { expectKubeProxyRules, svcChainsOf } from './c-kpr-2.ts';
import { expectHostRouting } from './c-hr-1.ts';
import { expectFallback } from './c-hr-2.ts';
import { expectBpfMasquerade } from './c-masq-1.ts';
import { expectVxlanTunnel } from './c-tun-1.ts';
import { cDsr1, expectDsr, readOutsideClient } from './c-dsr-1.ts';
import { expectClusterMesh } from './c-cm-1.ts';
import { expectBothClusters } from './c-cm-2.ts';
import { expectFailover } from './c-cm-3.ts';
import { expectConnectivity } from './c-ct-1.ts';

const status = (name: string) => parseCiliumStatus(fixture('cilium-status', name));
const ipt = (name: string) => fixture('iptables-save', name);
const node = (name: string, text: string) => {
  const s = parseIptablesSave(text);
  return { node: name, kubeSvc: chainsWithPrefix(s, 'KUBE-SVC-'), kubeSep: chainsWithPrefix(s, 'KUBE-SEP-') };
};

describe('C-KPR-1 expectation', () => {
  const agent = { pod: 'cilium-a', kpr: status('v1.18.4-native-bpf.txt').kubeProxyReplacement?.mode ?? '' };
  it('holds on a Cilium KPR node (only CILIUM_ chains) with KPR True', () => {
    expect(expectKpr({ nodes: [node('kind-worker', ipt('cilium-kpr-grep-cilium.txt'))], agents: [agent], kubeProxyPods: [] })).toEqual([]);
  });
  it('fails on the kube-proxy nat table (the C-KPR-2 observation)', () => {
    const problems = expectKpr({ nodes: [node('kind-worker', ipt('v1.4.21-kube-proxy-nat.txt'))], agents: [agent], kubeProxyPods: ['kube-proxy-x'] });
    expect(problems[0]).toMatch(/^node kind-worker: expected no KUBE-SVC-\/KUBE-SEP- chains, found KUBE-SVC-ERIFXISQEP7F7OF4, .*, \.\.\./);
    expect(problems[1]).toMatch(/kube-proxy pods still running: kube-proxy-x/);
  });
  it('fails when the agent reports Probe (1.12) instead of True', () => {
    const probe = status('v1.12.2-probe-bpf.txt').kubeProxyReplacement?.mode;
    expect(expectKpr({ nodes: [node('n', '')], agents: [{ pod: 'cilium-b', ...(probe ? { kpr: probe } : {}) }], kubeProxyPods: [] }))
      .toEqual(['agent cilium-b: KubeProxyReplacement is Probe, expected True; set kubeProxyReplacement: "true"']);
  });
});

describe('C-KPR-2 expectation', () => {
  it('holds when the node has KUBE-SVC chains for kube-dns', () => {
    const chains = svcChainsOf(ipt('k3s-grep-kube-svc.txt'), 'kube-system/kube-dns');
    expect(chains).toEqual(['KUBE-SVC-ERIFXISQEP7F7OF4', 'KUBE-SVC-JD5MR3NA4I4DYORP', 'KUBE-SVC-TCOU7JCQXEZGVUNU']);
    expect(expectKubeProxyRules({ service: 'kube-system/kube-dns', nodes: [{ node: 'k3s-agent', svcChains: chains }] })).toEqual([]);
  });
  it('fails on a kube-proxy-free node', () => {
    const chains = svcChainsOf(ipt('cilium-kpr-grep-cilium.txt'), 'kube-system/kube-dns');
    expect(expectKubeProxyRules({ service: 'kube-system/kube-dns', nodes: [{ node: 'node2', svcChains: chains }] }))
      .toEqual(['node node2: expected KUBE-SVC- chains for service kube-system/kube-dns, found none; is kube-proxy running in iptables mode?']);
  });
});

describe('C-HR-1 / C-HR-2 expectations', () => {
  const routing = (name: string) => ({ pod: name, ...status(name).routing });
  it('BPF host routing holds on 1.12 and 1.18 samples, fails on 1.11 Legacy', () => {
    expect(expectHostRouting('BPF')({ agents: [routing('v1.12.2-probe-bpf.txt'), routing('v1.18.4-native-bpf.txt')] })).toEqual([]);
    expect(expectHostRouting('BPF')({ agents: [routing('v1.11.0-strict-legacy.txt')] }))
      .toEqual(['agent v1.11.0-strict-legacy.txt: Host routing is Legacy, expected BPF (needs bpf.masquerade=true, kubeProxyReplacement=true and a 5.10+ kernel)']);
  });
  it('the fallback holds on the 1.11 Legacy/IPTables sample with the log line, fails on BPF', () => {
    const legacy = status('v1.11.0-strict-legacy.txt');
    const ok = { agents: [{ pod: 'a', ...legacy.routing }], masquerading: [{ pod: 'a', mode: legacy.masquerading?.mode ?? '' }], fallbackLogged: ['a'] };
    expect(expectFallback(ok)).toEqual([]);
    const bpf = status('v1.18.4-native-bpf.txt');
    const bad = { agents: [{ pod: 'b', ...bpf.routing }], masquerading: [{ pod: 'b', mode: bpf.masquerading?.mode ?? '' }], fallbackLogged: [] };
    expect(expectFallback(bad)).toEqual([
      'agent b: Host routing is BPF, expected Legacy (set bpf.masquerade=false or bpf.hostLegacyRouting=true)',
      'agent b: Masquerading is BPF, expected IPTables with bpf.masquerade=false',
      'agent b: log lacks "Falling back to legacy host routing"; the fallback reason is not reported',
    ]);
  });
});

describe('C-MASQ-1 expectation', () => {
  const masq = (name: string) => {
    const m = status(name).masquerading;
    return { pod: name, devices: m?.devices ?? [], nativeCidrs: m?.nativeCidrs ?? [], ...(m ? { mode: m.mode } : {}), ...(m?.ipv4 !== undefined ? { ipv4: m.ipv4 } : {}) };
  };
  it('holds on BPF [eth0] 10.100.0.0/16', () => {
    expect(expectBpfMasquerade({ agents: [masq('v1.18.4-native-bpf.txt')] })).toEqual([]);
  });
  it('fails on IPTables masquerading and on BPF without eth0', () => {
    expect(expectBpfMasquerade({ agents: [masq('v1.11.0-strict-legacy.txt')] }))
      .toEqual(['agent v1.11.0-strict-legacy.txt: Masquerading is IPTables, expected BPF; set bpf.masquerade=true']);
    expect(expectBpfMasquerade({ agents: [masq('v1.11.0-strict-legacy.txt'), masq('v1.12.2-probe-bpf.txt')] })).toHaveLength(1);
  });
});

describe('C-TUN-1 expectation (routing half, real status samples)', () => {
  const up = { up: true, dstport: 8472 };
  it('holds with Tunnel [vxlan]', () => {
    expect(expectVxlanTunnel({ nodes: [{ node: 'n', vxlan: up }], agents: [{ pod: 'p', ...status('v1.16-dev-routing-tunnel-legacy.txt').routing }] })).toEqual([]);
  });
  it('fails on native routing and on a missing device', () => {
    expect(expectVxlanTunnel({ nodes: [{ node: 'n' }], agents: [{ pod: 'p', ...status('v1.18.4-native-bpf.txt').routing }] })).toEqual([
      'node n: no cilium_vxlan device; set routingMode=tunnel, tunnelProtocol=vxlan',
      'agent p: routing is Native, expected Tunnel [vxlan]',
    ]);
  });
});

describe('C-DSR-1 expectation', () => {
  // A request from 172.18.0.5 (outside) to the NodePort of cp (172.18.0.2), whose backend runs on w1.
  const outside = (seenClient: string) => ({
    client: '172.18.0.5', target: { node: 'cp', address: '172.18.0.2' }, backend: { pod: 'lone-backend-x', node: 'w1' },
    replies: [{ seenClient, pod: 'lone-backend-x' }],
  });
  it('fails on the docs SNAT sample, and on a backend that saw the first node instead of the client', () => {
    expect(expectDsr({ agents: [{ pod: 'p', ...status('docs-kpr-verbose-snat.txt').kprDetails }], external: outside('172.18.0.2') })).toEqual([
      'agent p: load-balancer Mode is SNAT, expected DSR; set loadBalancer.mode=dsr with routingMode=native',
      'backend lone-backend-x on w1 saw 172.18.0.2 for a request from 172.18.0.5 to NodePort 172.18.0.2:30090 on cp: the source was rewritten (SNAT), expected DSR to keep it',
    ]);
    expect(expectDsr({ agents: [{ pod: 'p', ...status('docs-kpr-verbose-snat.txt').kprDetails }], external: outside('172.18.0.2') }).join('\n')).toMatch(cDsr1.negativeControls[0]!.expectFailure);
  });
  it('holds when the backend on another node saw the client itself (typed agent value: no real DSR status sample was found)', () => {
    expect(expectDsr({ agents: [{ pod: 'p', mode: 'DSR' }], external: outside('172.18.0.5') })).toEqual([]);
  });
  it('a Mode: DSR line alone is not enough: no outside request, or one to the backend\'s own node, fails', () => {
    expect(expectDsr({ agents: [{ pod: 'p', mode: 'DSR' }], externalError: 'docker run exited 125: network kind not found' }))
      .toEqual(['no request from outside the cluster was made: docker run exited 125: network kind not found']);
    expect(expectDsr({ agents: [{ pod: 'p', mode: 'DSR' }], external: { ...outside('172.18.0.5'), target: { node: 'w1', address: '172.18.0.3' } } }))
      .toEqual(['NodePort 172.18.0.3:30090 on w1 runs the backend lone-backend-x itself: nothing was forwarded between nodes']);
  });
  it('reads the outside client: its address from ip -o addr (iproute2 6.1 output), replies and failures', () => {
    const ipLine = '3: eth0    inet 172.18.0.5/16 scope global eth0\\       valid_lft forever preferred_lft forever';
    expect(readOutsideClient(`${ipLine}\n{"pod":"lone-backend-x","client":"172.18.0.5"}\n\ncurl exit 28\n\n<html>\n`)).toEqual({
      client: '172.18.0.5',
      replies: [{ seenClient: '172.18.0.5', pod: 'lone-backend-x' }, { error: 'curl exit 28' }, { error: 'not a probe reply: <html>' }],
    });
  });
});

describe('C-CM-1 expectation', () => {
  const cm = (name: string) => ({ status: parseClusterMeshStatus(fixture('cilium-clustermesh-status', name)) });
  it('holds once cluster2 is 2/2 connected', () => {
    expect(expectClusterMesh(cm('seed-1.11-kind-c1-connected.txt'))).toEqual([]);
  });
  it('fails before connect and when the status command fails', () => {
    expect(expectClusterMesh(cm('seed-1.11-kind-c1-before-connect.txt'))).toEqual(['no remote cluster connected; run "cilium clustermesh connect"']);
    expect(expectClusterMesh({ error: 'exit 1: deployment not ready' })[0]).toMatch(/^cilium clustermesh status failed: exit 1/);
  });
});

describe('C-CM-2 / C-CM-3 expectations (typed replies; replies are JSON from the upstream example)', () => {
  it('load balancing needs both clusters and no failure', () => {
    expect(expectBothClusters({ requests: 4, clusters: { 'Cluster-1': 2, 'Cluster-2': 2 }, failures: [] })).toEqual([]);
    expect(expectBothClusters({ requests: 4, clusters: { 'Cluster-1': 4 }, failures: [] })[0]).toMatch(/replies came from Cluster-1 only, expected both clusters/);
  });
  it('failover needs every reply from the other cluster', () => {
    expect(expectFailover({ localCluster: 'Cluster-1', requests: 3, clusters: { 'Cluster-2': 3 }, failures: [] })).toEqual([]);
    expect(expectFailover({ localCluster: 'Cluster-1', requests: 3, clusters: {}, failures: ['request 1: exit 28'] })).toEqual([
      '1/3 requests failed during failover, first: request 1: exit 28; is rebel-base global in both clusters?',
      'no request was answered',
    ]);
  });
});

describe('C-CT-1 expectation (typed values: no real JUnit file of the CLI is stored here)', () => {
  it('fails on failed testcases and on an empty report, holds on a clean run', () => {
    expect(expectConnectivity({ exitCode: 1, tests: 2, failures: 1, failed: ['all-egress-deny'] })).toEqual(['1/2 connectivity tests failed: all-egress-deny']);
    expect(expectConnectivity({ exitCode: 1, tests: 0, failures: 0, failed: [] })[0]).toMatch(/no testcase/);
    expect(expectConnectivity({ exitCode: 0, tests: 2, failures: 0, failed: [] })).toEqual([]);
  });
});
