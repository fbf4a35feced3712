import { describe, it, expect } from 'vitest';
import { parseCiliumStatus, parseCiliumStatusStrict } from './cilium-status.ts';
import { fixture } from './fixture.ts';

const load = (name: string) => parseCiliumStatus(fixture('cilium-status', name));

describe('parseCiliumStatus', () => {
  it('reads 1.11 Strict KPR, legacy host routing and iptables masquerading', () => {
    const s = load('v1.11.0-strict-legacy.txt');
    expect(s.version).toBe('1.11.0');
    expect(s.kubeProxyReplacement).toEqual({ mode: 'Strict', devices: ['eth1'], directRoutingDevice: 'eth1' });
    expect(s.routing).toEqual({ host: 'Legacy' });
    expect(s.masquerading).toEqual({ mode: 'IPTables', devices: [], nativeCidrs: [], ipv4: true, ipv6: false });
    expect(s.ipam?.ipv4).toEqual({ used: 3, total: 254, cidr: '172.16.1.0/24' });
    expect(s.clusterHealth).toBeUndefined();
  });

  it('reads 1.12 BPF host routing and BPF masquerading with devices and native CIDR', () => {
    const s = load('v1.12.2-probe-bpf.txt');
    expect(s.kubeProxyReplacement?.mode).toBe('Probe');
    expect(s.kubeProxyReplacement?.devices).toEqual(['eth0', 'eth1']);
    expect(s.routing?.host).toBe('BPF');
    expect(s.masquerading).toEqual({ mode: 'BPF', devices: ['eth0', 'eth1'], nativeCidrs: ['10.254.0.0/24'], ipv4: true, ipv6: false });
  });

  it('reads 1.20 (kind/cilium-vxlan): the cluster health table header is known, not unparsed', () => {
    const text = fixture('cilium-status', 'v1.20.0-kind-vxlan.txt');
    const s = parseCiliumStatusStrict(text);
    expect(s.unparsed).toEqual([]);
    expect(s.version).toBe('1.20.0');
    expect(s.routing).toEqual({ network: 'Tunnel', tunnelProtocol: 'vxlan', host: 'Legacy' });
    expect(s.clusterHealth).toMatchObject({ reachable: 3, total: 3 });
  });

  it('reads the 1.16+ Routing line (native) and cluster health', () => {
    const s = load('v1.18.4-native-bpf.txt');
    expect(s.version).toBe('1.18.4');
    expect(s.kubeProxyReplacement).toEqual({ mode: 'True', devices: ['eth0'], directRoutingDevice: 'eth0' });
    expect(s.routing).toEqual({ network: 'Native', host: 'BPF' });
    expect(s.masquerading?.nativeCidrs).toEqual(['10.100.0.0/16']);
    expect(s.clusterHealth).toEqual({ reachable: 3, total: 3 });
  });

  it('reads tunnel protocol from the Routing line', () => {
    expect(load('v1.16-dev-routing-tunnel-legacy.txt').routing).toEqual({ network: 'Tunnel', tunnelProtocol: 'vxlan', host: 'Legacy' });
  });

  it('reads the indented docs samples, including --verbose KPR details', () => {
    expect(load('docs-kpr-grep.txt').kubeProxyReplacement).toEqual({ mode: 'True', devices: ['eth0', 'eth1'], directRoutingDevice: 'eth0' });
    expect(load('docs-kpr-verbose-snat.txt').kprDetails).toEqual({ status: 'True', mode: 'SNAT', backendSelection: 'Random' });
  });

  it('keeps feature lists of 1.7 out of the device list and reads old cluster health', () => {
    const s = load('v1.7-pr10083-cluster-health.txt');
    expect(s.kubeProxyReplacement?.devices).toEqual([]);
    expect(s.clusterHealth).toEqual({ reachable: 0, total: 1 });
    expect(s.version).toBeUndefined();
  });

  it('reads the ClusterMesh line of a mesh member', () => {
    expect(load('v1.12.0-clustermesh.txt').clusterMesh).toEqual({ ready: 1, total: 1, globalServices: 10 });
  });

  it('keeps "Cluster health: Warning ..." instead of losing it', () => {
    const s = load('v1.6-microk8s-604-health-warning.txt');
    expect(s.clusterHealth).toEqual({ warning: 'Warning cilium-health daemon unreachable' });
    expect(s.fields['Proxy Status']).toBe('OK, ip 10.244.215.6, port-range 10000-20000');
    expect(s.unparsed).toEqual(['$ cilium status']);
  });

  it('finds a status line behind a log prefix (kubectl describe event text)', () => {
    const s = load('v1.2-5352-liveness-event-prefix.txt');
    expect(s.fields['KVStore']).toBe('Ok etcd: 1/1 connected: http://k8s1:9732 - 3.1.0 (Leader)');
    expect(s.fields['Cilium']).toMatch(/^Warning Stale status data/);
    expect(s.unparsed).toEqual([]);
  });

  it('reports top-level lines it does not understand, not detail lines under a key', () => {
    expect(load('v1.12.2-probe-bpf.txt').unparsed).toEqual(['scovery/v1::EndpointSlice", "networking.k8s.io/v1::NetworkPolicy"]']);
    expect(load('v1.18.4-native-bpf.txt').unparsed).toEqual([]);
    expect(load('v1.12.0-clustermesh.txt').unparsed).toEqual([]);
    expect(load('v1.7-pr10083-cluster-health.txt').unparsed).toEqual([]);
    expect(load('docs-kpr-verbose-snat.txt').unparsed).toEqual(['$ kubectl -n kube-system exec ds/cilium -- cilium-dbg status --verbose', '[...]', '[...]']);
  });

  it('leaves every field undefined for unrelated text, reports it, and the strict form throws', () => {
    expect(parseCiliumStatus('error: unable to upgrade connection: container not found ("cilium-agent")')).toEqual({
      fields: {}, unparsed: ['error: unable to upgrade connection: container not found ("cilium-agent")'],
    });
    expect(() => parseCiliumStatusStrict('command terminated with exit code 1')).toThrow(/no known status line.*cilium-dbg status/);
  });
});
