import { describe, expect, it } from 'vitest';
import type { ClusterHandle, KubeActions, PodHandle } from '../../clusters/types.ts';
import { cCm1 } from './c-cm-1.ts';
import { cCm3 } from './c-cm-3.ts';
import { globalAnnotationRemoved } from './rebel-base.ts';

/**
 * A clustermesh member: the local rebel-base Service is global or not, local backends take `terminatingListings`
 * kubectl listings to go after a scale to 0, and x-wing's curl answers like Cilium's global service (upstream JSON).
 */
function meshCluster(opts: { terminatingListings?: number; annotationLag?: number } = {}) {
  const calls: string[] = [];
  const state = { global: true, localReplicas: 2, terminating: 0, apiserverPods: 1, sinceAnnotate: 0, curls: 0 };
  const xwing: PodHandle = {
    name: 'x-wing-1', namespace: 'cni-conformance', node: 'w1', addresses: [], labels: { app: 'x-wing' },
    async exec() {
      state.curls++;
      state.sinceAnnotate++;
      const globalSeen = (opts.annotationLag ?? 0) < state.sinceAnnotate ? state.global : !state.global;
      const localUp = state.localReplicas > 0 || state.terminating > 0;
      const remote = globalSeen && state.curls % 2 === 0;
      if (!localUp && !globalSeen) return { stdout: '', stderr: 'connection refused', exitCode: 7 };
      return { stdout: `{"Galaxy": "Alderaan", "Cluster": "${remote || !localUp ? 'cluster2' : 'cluster1'}"}`, stderr: '', exitCode: 0 };
    },
  };
  const kube = {
    context: 'kind-mesh1', workdir: '/tmp',
    async pods(_ns: string, selector: string) {
      if (selector === 'app=x-wing') return [xwing];
      if (selector === 'k8s-app=clustermesh-apiserver') return Array.from({ length: state.apiserverPods }, (_, i) => ({ ...xwing, name: `clustermesh-apiserver-${i}` }));
      return [];
    },
    async scale(_ns: string, name: string, replicas: number) {
      calls.push(`scale ${name} ${replicas}`);
      if (name === 'rebel-base') { if (replicas === 0) state.terminating = opts.terminatingListings ?? 0; state.localReplicas = replicas; }
      if (name === 'clustermesh-apiserver') state.apiserverPods = replicas;
    },
    async waitReady(_ns: string, what: string) { calls.push(`waitReady ${what}`); },
    async run(argv: string[]) {
      calls.push(argv.join(' '));
      if (argv.includes('annotate')) { state.global = !argv.at(-2)!.endsWith('-'); state.sinceAnnotate = 0; }
      if (argv.includes('get') && argv.includes('pods')) {
        const names = state.localReplicas > 0 ? ['pod/rebel-base-a', 'pod/rebel-base-b'] : state.terminating-- > 0 ? ['pod/rebel-base-a'] : [];
        return { stdout: names.join('\n'), stderr: '', exitCode: 0 };
      }
      if (argv.includes('configmap')) return { stdout: 'cluster1', stderr: '', exitCode: 0 };
      return { stdout: '', stderr: '', exitCode: 0 };
    },
  } as unknown as KubeActions;
  return { cluster: { name: 'mesh1', kube } as unknown as ClusterHandle, calls, state };
}

describe('clustermesh controls and probes wait for the state they name (issue 11 item 10)', () => {
  it('C-CM-1: apply returns once no apiserver pod is left; undo waits with cilium clustermesh status --wait', async () => {
    const { cluster, calls } = meshCluster();
    const breakage = await cCm1.negativeControls[0]!.apply(cluster);
    await breakage.undo();
    expect(calls).toEqual(['scale clustermesh-apiserver 0', 'scale clustermesh-apiserver 1', 'cilium clustermesh status --wait --wait-duration 10m']);
  });

  it('the global-annotation breakage polls the datapath: one cluster only after apply, both after undo', async () => {
    const { cluster, calls } = meshCluster({ annotationLag: 15 });
    const breakage = await globalAnnotationRemoved(cluster, 10, 10_000, 1);
    expect(calls.at(-1)).toBe('kubectl -n cni-conformance annotate service rebel-base service.cilium.io/global- --overwrite');
    await breakage.undo();
    expect(calls.at(-1)).toBe('kubectl -n cni-conformance annotate service rebel-base service.cilium.io/global=true --overwrite');
    await expect(globalAnnotationRemoved(meshCluster({ annotationLag: 1_000_000 }).cluster, 10, 30, 1)).rejects.toThrow(/answering from one cluster only .*not done/);
  });

  it('C-CM-3: curls only after the local backends have terminated', async () => {
    const { cluster } = meshCluster({ terminatingListings: 2 });
    const r = await cCm3.probe(cluster);
    expect(cCm3.expect(r.value)).toEqual([]);
    expect(r.value.clusters).toEqual({ cluster2: 20 });
  });
});
