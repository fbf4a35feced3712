import { pollUntilDone } from '../../helpers/probes/poll.ts';
import { defineBehaviour } from '../check.ts';
import { kubeOf, kubectl } from '../kube-actions.ts';
import { DOCS, clustermeshRequirements } from './agents.ts';
import { GLOBAL_ANNOTATION, MESH_NAMESPACE, curlRebelBase, globalAnnotationRemoved, type Replies } from './rebel-base.ts';

export interface FailoverObservation extends Replies { localCluster: string }

/** With the local backends at 0 replicas, every reply comes from the other cluster and none fails. */
export function expectFailover(v: FailoverObservation): string[] {
  const problems: string[] = [];
  const local = v.clusters[v.localCluster] ?? 0;
  if (local > 0) problems.push(`${local}/${v.requests} replies came from the scaled-down cluster ${v.localCluster}`);
  if (v.failures.length > 0) problems.push(`${v.failures.length}/${v.requests} requests failed during failover, first: ${v.failures[0]}; is rebel-base global in both clusters?`);
  if (Object.keys(v.clusters).length === 0) problems.push('no request was answered');
  return problems;
}

export const cCm3 = defineBehaviour<FailoverObservation>({
  id: 'C-CM-3',
  title: 'global service failover',
  docs: DOCS.services,
  requires: clustermeshRequirements,
  needs: [{ kind: 'rebel-base-x-wing-in-two-clusters' }],
  async probe(cluster) {
    const kube = kubeOf(cluster);
    // rebel-base replies with the Cilium cluster name (cluster-name in cilium-config), which names the local cluster.
    const localName = (await kubectl(cluster, ['-n', 'kube-system', 'get', 'configmap', 'cilium-config', '-o', 'jsonpath={.data.cluster-name}'])).trim() || 'unknown';
    await kube.scale(MESH_NAMESPACE, 'rebel-base', 0);
    try {
      // Failover is about local backends that are gone: wait until none is left, terminating ones included
      // (kubectl lists pods with a deletionTimestamp; kube.pods leaves them out).
      await pollUntilDone(`local rebel-base pods terminated in ${localName}`, async () =>
        (await kubectl(cluster, ['-n', MESH_NAMESPACE, 'get', 'pods', '-l', 'app=rebel-base', '-o', 'name'])).split('\n').filter(Boolean).map((p) => `${p} still present`), 120_000, 1_000);
      const { raw, value } = await curlRebelBase(cluster, 20);
      return { raw: { ...raw, 'local cluster-name': localName }, value: { ...value, localCluster: localName } };
    } finally {
      await kube.scale(MESH_NAMESPACE, 'rebel-base', 2);
      await kube.waitReady(MESH_NAMESPACE, 'deployment/rebel-base');
    }
  },
  expect: expectFailover,
  negativeControls: [
    {
      name: 'service not global: no remote backends to fail over to',
      owner: {
        owner: 'nobody (the harness\'s own rebel-base Service)', reverts: 'never', breakage: 'changes',
        why: 'the plan applies the Service once with kubectl; no controller reconciles its annotations',
      },
      apply: (cluster) => globalAnnotationRemoved(cluster),
      expectFailure: /requests failed during failover/,
    },
  ],
});
