import type { ClusterHandle } from '../../clusters/types.ts';

/** Replies of the upstream global-service example: {"Galaxy": "Alderaan", "Cluster": "Cluster-1"}. */
export function replyCluster(body: string): string | undefined {
  return /"Cluster":\s*"([^"]+)"/.exec(body)?.[1];
}

export interface Replies { requests: number; clusters: Record<string, number>; failures: string[] }

/** Curls the global service from the x-wing pod `count` times. */
export async function curlRebelBase(cluster: ClusterHandle, count: number): Promise<{ raw: Record<string, string>; value: Replies }> {
  const xwing = cluster.pods.find((p) => p.labels['name'] === 'x-wing' || p.name.startsWith('x-wing'));
  if (!xwing) throw new Error(`cluster "${cluster.name}": no x-wing pod; apply the clustermesh global-service example (cluster1.yaml)`);
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
