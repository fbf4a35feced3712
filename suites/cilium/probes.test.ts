import { describe, expect, it } from 'vitest';
import type { ClusterHandle, KubeActions, PodHandle } from '../../clusters/types.ts';
import { fixture } from '../../helpers/parsers/fixture.ts';
import { checkBehaviour } from '../check.ts';
import { cHr1 } from './c-hr-1.ts';
import { cKpr1 } from './c-kpr-1.ts';

/** A cluster whose kube.pods answers with fake pods; cilium agents answer `cilium-dbg status` with a real sample. */
function fakeCluster(statusSample: string, kubeProxyPods: string[] = []): { cluster: ClusterHandle; asked: string[] } {
  const asked: string[] = [];
  const agent = (name: string): PodHandle => ({
    name, namespace: 'kube-system', node: `${name}-node`, addresses: [], labels: { 'k8s-app': 'cilium' },
    exec: async (argv) => (argv[0] === 'cilium-dbg' ? { stdout: fixture('cilium-status', statusSample), stderr: '', exitCode: 0 } : { stdout: '', stderr: 'no such command', exitCode: 127 }),
  });
  const plain = (name: string): PodHandle => ({ name, namespace: 'kube-system', node: 'n', addresses: [], labels: {}, exec: async () => ({ stdout: '', stderr: '', exitCode: 0 }) });
  const kube: KubeActions = {
    context: 'kind-fake',
    workdir: '/tmp',
    async pods(namespace, selector, container) {
      asked.push(`${namespace} ${selector} ${container ?? '-'}`);
      if (selector === 'k8s-app=cilium') return [agent('cilium-a'), agent('cilium-b')];
      if (selector === 'k8s-app=kube-proxy') return kubeProxyPods.map(plain);
      return [];
    },
    scale: async () => {}, waitReady: async () => {}, logs: async () => '', apply: async () => {}, delete: async () => {},
    run: async () => ({ stdout: '', stderr: '', exitCode: 0 }),
  };
  // The sample is a paste whose first line is the reporter's shell prompt, which a node's iptables-save does not print.
  const node = { name: 'kind-worker', role: 'worker' as const, addresses: ['172.18.0.3'], exec: async () => ({ stdout: fixture('iptables-save', 'cilium-kpr-grep-cilium.txt').replace(/^node2:~# .*\n/, ''), stderr: '', exitCode: 0 }) };
  const cluster: ClusterHandle = {
    name: 'fake', profile: { name: 'cilium-kpr', description: '', provider: 'kind', cni: 'cilium', behaviours: [] },
    nodes: [node], pods: [], kube,
    capabilities: { provider: 'kind', cni: 'cilium', features: [], kernel: { ipip: true, vxlan: true }, versions: {} },
    node: () => node, pod: () => { throw new Error('no workload pods'); },
    destroy: async () => {}, [Symbol.asyncDispose]: async () => {},
  };
  return { cluster, asked };
}

describe('Cilium probes find agents through kube.pods (kube-system, k8s-app=cilium, container cilium-agent)', () => {
  it('C-HR-1 holds on the 1.18 BPF host routing sample and names the container it asked for', async () => {
    const { cluster, asked } = fakeCluster('v1.18.4-native-bpf.txt');
    const r = await checkBehaviour(cHr1, cluster);
    expect(r.problems).toEqual([]);
    expect(asked).toEqual(['kube-system k8s-app=cilium cilium-agent']);
    expect(Object.keys(r.observation.raw)).toEqual(['cilium-a: cilium-dbg status', 'cilium-b: cilium-dbg status']);
  });
  it('C-HR-1 fails on the 1.11 legacy sample', async () => {
    const r = await checkBehaviour(cHr1, fakeCluster('v1.11.0-strict-legacy.txt').cluster);
    expect(r.problems[0]).toMatch(/^agent cilium-a: Host routing is Legacy, expected BPF/);
  });
  it('C-KPR-1 holds with no kube-proxy pod, fails when kube.pods finds one', async () => {
    expect((await checkBehaviour(cKpr1, fakeCluster('v1.18.4-native-bpf.txt').cluster)).problems).toEqual([]);
    const r = await checkBehaviour(cKpr1, fakeCluster('v1.18.4-native-bpf.txt', ['kube-proxy-x']).cluster);
    expect(r.problems).toEqual(['kube-proxy pods still running: kube-proxy-x; create the kind cluster with kubeProxyMode: none']);
  });
});
