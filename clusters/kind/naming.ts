import type { KindNodeSpec } from './types.ts';

/** Kubernetes node label and container label every run-owned object carries. */
export const runIdLabel = 'cni-conformance/run-id';
/** Namespace of our own test workloads. */
export const workloadNamespace = 'cni-conformance';

/** The run id as it may appear in a kind cluster name (`^[a-z0-9.-]+$`, kept short: names prefix every node). */
export function runSlug(runId: string): string {
  const slug = runId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 8);
  if (!slug) throw new Error(`run id "${runId}": has no letters or digits; use e.g. a timestamp or a short hash`);
  return slug;
}

/** Every kind cluster of a run starts with this prefix; `list(runId)` and cleanup match on it. */
export function clusterPrefix(runId: string): string {
  return `cnc-${runSlug(runId)}-`;
}

export function clusterName(runId: string, suffix: string): string {
  return `${clusterPrefix(runId)}${suffix}`;
}

/** Run id slug of a cluster name made by `clusterName`, or undefined for clusters that are not ours. */
export function runSlugOf(cluster: string): string | undefined {
  return /^cnc-([a-z0-9]{1,8})-/.exec(cluster)?.[1];
}

/** Per-cluster kubeconfig file, relative to the plan folder. */
export function kubeconfigPath(cluster: string): string {
  return `kubeconfig/${cluster}`;
}

/** The context kind writes into the kubeconfig. */
export function contextName(cluster: string): string {
  return `kind-${cluster}`;
}

/** Node container names exactly as kind's MakeNodeNamer derives them: <cluster>-<role>[N], N from 2. */
export function nodeNames(cluster: string, nodes: readonly KindNodeSpec[]): string[] {
  const counts = new Map<string, number>();
  return nodes.map((node) => {
    const count = (counts.get(node.role) ?? 0) + 1;
    counts.set(node.role, count);
    return `${cluster}-${node.role}${count === 1 ? '' : count}`;
  });
}
