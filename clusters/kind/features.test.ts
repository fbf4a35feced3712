import { readFileSync } from 'node:fs';
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { calicoBehaviours } from '../../suites/calico/index.ts';
import { ciliumBehaviours } from '../../suites/cilium/index.ts';
import type { KubeActions, PodHandle } from '../types.ts';
import { calicoFeatures, ciliumConfigFeatures, configMapData, kindFeatures } from './capabilities.ts';
import { systemDiagnostics, tail } from './diagnostics.ts';
import { kubeActions, type KubeApi } from './kube-actions.ts';
import { podHandles } from './pods.ts';

const config = (name: string) => configMapData(readFileSync(new URL(`./fixtures/cilium-config/${name}`, import.meta.url), 'utf8'));
const json = (value: unknown) => JSON.stringify(value);

describe('Cilium features from cilium-config (keys as cilium-configmap.yaml writes them)', () => {
  test('cilium-kpr: KPR, BPF masquerade, BPF host routing, VXLAN tunnel', () => {
    expect(ciliumConfigFeatures(config('kpr-vxlan.json')).sort()).toEqual(['bpf-host-routing', 'bpf-masquerade', 'kube-proxy-replacement', 'vxlan']);
  });
  test('cilium-dsr: native routing with direct node routes and DSR', () => {
    expect(ciliumConfigFeatures(config('native-dsr.json')).sort())
      .toEqual(['auto-direct-node-routes', 'bpf-host-routing', 'bpf-masquerade', 'dsr', 'kube-proxy-replacement', 'native-routing']);
  });
  test('cilium-vxlan next to kube-proxy: legacy host routing, no KPR', () => {
    expect(ciliumConfigFeatures(config('legacy-vxlan.json')).sort()).toEqual(['legacy-host-routing', 'vxlan']);
  });
  test('forcing legacy routing or dropping BPF masquerade turns BPF host routing into legacy', () => {
    expect(ciliumConfigFeatures({ ...config('kpr-vxlan.json'), 'enable-host-legacy-routing': 'true' })).toContain('legacy-host-routing');
    expect(ciliumConfigFeatures({ ...config('kpr-vxlan.json'), 'enable-bpf-masquerade': 'false' })).toContain('legacy-host-routing');
    expect(ciliumConfigFeatures({ ...config('kpr-vxlan.json'), 'enable-bpf-masquerade': 'false', 'enable-ipv4-masquerade': 'false' })).toContain('bpf-host-routing');
  });
  test('clustermesh needs a cluster id and the clustermesh-apiserver', () => {
    expect(ciliumConfigFeatures(config('mesh1.json'), true)).toContain('clustermesh');
    expect(ciliumConfigFeatures(config('mesh1.json'), false)).not.toContain('clustermesh');
    expect(ciliumConfigFeatures(config('kpr-vxlan.json'), true)).not.toContain('clustermesh');
  });
  test('1.13-era config: tunnel disabled means native routing, strict means KPR', () => {
    expect(ciliumConfigFeatures(config('v1.13-tunnel-disabled.json'))).toEqual(expect.arrayContaining(['native-routing', 'kube-proxy-replacement', 'auto-direct-node-routes']));
  });
});

describe('Calico features from its resources', () => {
  const pool = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool', metadata: { name }, spec: { cidr: '10.244.0.0/16', blockSize: 26, ...spec } });
  const list = (...items: unknown[]) => json({ apiVersion: 'v1', kind: 'List', items });
  const installation = (bgp: string) => json({ apiVersion: 'operator.tigera.io/v1', kind: 'Installation', metadata: { name: 'default' }, spec: { calicoNetwork: { bgp, ipPools: [] } } });
  test('mesh profile: BIRD, mesh (absent BGPConfiguration means mesh on), IPIP pool', () => {
    expect(calicoFeatures({ installation: installation('Enabled'), ipPools: list(pool('default-ipv4-ippool', { ipipMode: 'Always', vxlanMode: 'Never' })) }).sort())
      .toEqual(['bgp-mesh', 'bird', 'calico-ipam', 'ipip']);
  });
  test('route reflectors: mesh off and a BGPPeer with a peerSelector', () => {
    const features = calicoFeatures({
      installation: installation('Enabled'),
      bgpConfiguration: json({ kind: 'BGPConfiguration', metadata: { name: 'default' }, spec: { nodeToNodeMeshEnabled: false, asNumber: 64512 } }),
      bgpPeers: list({ kind: 'BGPPeer', metadata: { name: 'peer-to-rrs' }, spec: { nodeSelector: '!has(route-reflector)', peerSelector: 'has(route-reflector)' } }),
      ipPools: list(pool('default-ipv4-ippool', { ipipMode: 'Never', vxlanMode: 'Never' })),
    });
    expect(features).toContain('route-reflector');
    expect(features).not.toContain('bgp-mesh');
  });
  test('VXLAN with BGP disabled: no BIRD, no mesh; a disabled pool next to an enabled one is a migration', () => {
    const features = calicoFeatures({ installation: installation('Disabled'), ipPools: list(pool('old', { disabled: true, ipipMode: 'Always' }), pool('new', { cidr: '10.245.0.0/16', vxlanMode: 'Always' })) });
    expect(features.sort()).toEqual(['calico-ipam', 'ippool-migration', 'vxlan']);
  });
});

test('every feature a kind behaviour requires is one detection reports', () => {
  const required = [...ciliumBehaviours, ...calicoBehaviours].flatMap((b) => b.requires.map((r) => r.name)).filter((n) => n.startsWith('feature ')).map((n) => n.slice('feature '.length));
  expect(required.length).toBeGreaterThan(10);
  for (const name of required) expect(Object.keys(kindFeatures), `feature ${name}`).toContain(name);
});

describe('pods(namespace, selector, container)', () => {
  const v1Pod = (name: string, node: string, containers: string[], phase = 'Running'): V1Pod => ({
    metadata: { name, namespace: 'kube-system', labels: { 'k8s-app': 'cilium' } },
    spec: { nodeName: node, containers: containers.map((c) => ({ name: c })) },
    status: { phase, podIPs: [{ ip: '172.18.0.3' }] },
  });
  test('handles exec into the asked container, skip finished pods, sort by node', async () => {
    const calls: string[] = [];
    const pods = podHandles([v1Pod('cilium-b', 'w2', ['cilium-agent']), v1Pod('cilium-a', 'w1', ['cilium-agent']), v1Pod('cilium-old', 'w1', ['cilium-agent'], 'Succeeded')],
      async (ns, pod, container, argv) => { calls.push(`${ns}/${pod}/${container}: ${argv.join(' ')}`); return { stdout: '', stderr: '', exitCode: 0 }; }, 'cilium-agent');
    expect(pods.map((p) => `${p.node}/${p.name}`)).toEqual(['w1/cilium-a', 'w2/cilium-b']);
    await pods[0]!.exec(['cilium-dbg', 'status']);
    expect(calls).toEqual(['kube-system/cilium-a/cilium-agent: cilium-dbg status']);
    expect(() => podHandles([v1Pod('x', 'w1', ['mount-cgroup-only'])], async () => ({ stdout: '', stderr: '', exitCode: 0 }), 'cilium-agent'))
      .toThrow(/pod kube-system\/x: no container "cilium-agent" \(containers: mount-cgroup-only\)/);
  });
  test('KubeActions.pods passes namespace, selector and container to the API', async () => {
    const seen: unknown[] = [];
    const api = { pods: async (...args: unknown[]) => { seen.push(args); return []; } } as unknown as KubeApi;
    const kube = kubeActions('kind-c1', api, async () => ({ stdout: '', stderr: '', exitCode: 0 }), '/tmp');
    await kube.pods('calico-system', 'k8s-app=calico-node', 'calico-node');
    expect(seen).toEqual([['calico-system', 'k8s-app=calico-node', 'calico-node']]);
  });
});

describe('diagnostics', () => {
  const pod = (name: string, answer: string): PodHandle => ({ name, namespace: 'kube-system', node: `${name}-node`, addresses: [], labels: {}, exec: async () => ({ stdout: answer, stderr: '', exitCode: 0 }) });
  const fakeKube = (pods: Record<string, PodHandle[]>): KubeActions => ({
    context: 'kind-c1',
    workdir: '/tmp',
    pods: async (ns, selector) => pods[`${ns} ${selector}`] ?? [],
    logs: async () => 'line 1\nline 2\n',
    scale: async () => {}, waitReady: async () => {}, apply: async () => {}, delete: async () => {},
    run: async () => ({ stdout: '', stderr: '', exitCode: 0 }),
  });
  test('cilium: status and log tail per agent; calico: BIRD protocols from calico-system first', async () => {
    const cilium = await systemDiagnostics(fakeKube({ 'kube-system k8s-app=cilium': [pod('cilium-a', 'KubeProxyReplacement: True')] }), { cni: 'cilium' });
    expect(cilium).toEqual({ 'cilium-a (cilium-a-node): cilium-dbg status --verbose': 'KubeProxyReplacement: True', 'cilium-a (cilium-a-node): cilium-agent log tail': 'line 1\nline 2' });
    const calico = await systemDiagnostics(fakeKube({ 'calico-system k8s-app=calico-node': [pod('calico-node-x', 'BIRD 1.6.8 ready.')] }), { cni: 'calico' });
    expect(Object.keys(calico)).toEqual(['calico-node-x (calico-node-x-node): birdcl show protocols all', 'calico-node-x (calico-node-x-node): calico-node log tail']);
    expect(tail('a\nb\nc\n', 2)).toBe('b\nc');
  });
});
