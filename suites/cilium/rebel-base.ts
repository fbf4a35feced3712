import { workloadNamespace } from '../../clusters/kind/naming.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { pollUntilDone } from '../../helpers/probes/poll.ts';
import { kubeOf, kubectl } from '../kube-actions.ts';
import type { Breakage } from '../types.ts';

/** Namespace of the global-service example: the profile plan deploys rebel-base and x-wing with our test workloads. */
export const MESH_NAMESPACE = workloadNamespace;

/** Replies of the upstream global-service example: {"Galaxy": "Alderaan", "Cluster": "Cluster-1"}. */
export function replyCluster(body: string): string | undefined {
  return /"Cluster":\s*"([^"]+)"/.exec(body)?.[1];
}

export interface Replies { requests: number; clusters: Record<string, number>; failures: string[] }

/** Curls the global service from the x-wing pod (namespace MESH_NAMESPACE, app=x-wing) `count` times. */
export async function curlRebelBase(cluster: ClusterHandle, count: number): Promise<{ raw: Record<string, string>; value: Replies }> {
  const [xwing] = await kubeOf(cluster).pods(MESH_NAMESPACE, 'app=x-wing');
  if (!xwing) throw new Error(`cluster "${cluster.name}": no x-wing pod in namespace ${MESH_NAMESPACE} (app=x-wing); the profile's workloads must include x-wing and rebel-base`);
  const value: Replies = { requests: count, clusters: {}, failures: [] };
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = await xwing.exec(['curl', '-s', '--max-time', '3', 'rebel-base']);
    const c = r.exitCode === 0 ? replyCluster(r.stdout) : undefined;
    lines.push(r.exitCode === 0 ? r.stdout.trim() : `exit ${r.exitCode} ${r.stderr.trim()}`);
    if (c) value.clusters[c] = (value.clusters[c] ?? 0) + 1;
    else value.failures.push(`request ${i + 1}: ${lines.at(-1)}`);
  }
  return { raw: { 'x-wing: curl rebel-base': lines.join('\n') }, value };
}

export const GLOBAL_ANNOTATION = 'service.cilium.io/global';

/**
 * Removes service.cilium.io/global from the local rebel-base Service; each side polls the datapath (curls from x-wing)
 * until what it names shows: apply until every reply comes from one cluster, undo until both clusters answer again.
 */
export async function globalAnnotationRemoved(cluster: ClusterHandle, requests = 10, deadlineMs = 120_000, intervalMs = 2_000): Promise<Breakage> {
  const annotate = (value: string) => kubectl(cluster, ['-n', MESH_NAMESPACE, 'annotate', 'service', 'rebel-base', value, '--overwrite']);
  await annotate(`${GLOBAL_ANNOTATION}-`);
  await pollUntilDone(`rebel-base answering from one cluster only after removing ${GLOBAL_ANNOTATION}`, async () => {
    const seen = Object.keys((await curlRebelBase(cluster, requests)).value.clusters);
    return seen.length > 1 ? [`replies still come from ${seen.join(', ')}`] : [];
  }, deadlineMs, intervalMs);
  return {
    what: `${GLOBAL_ANNOTATION} removed from rebel-base`,
    async undo() {
      await annotate(`${GLOBAL_ANNOTATION}=true`);
      await pollUntilDone(`rebel-base answering from both clusters after restoring ${GLOBAL_ANNOTATION}`, async () => {
        const { clusters, failures } = (await curlRebelBase(cluster, requests)).value;
        const seen = Object.keys(clusters);
        return [...(seen.length < 2 ? [`replies only from ${seen.join(', ') || 'no cluster'}`] : []), ...(failures.length ? [`${failures.length} failed requests`] : [])];
      }, deadlineMs, intervalMs);
    },
  };
}
