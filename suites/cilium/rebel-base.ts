import { workloadNamespace } from '../../clusters/kind/naming.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { kubeOf } from '../kube-actions.ts';

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
