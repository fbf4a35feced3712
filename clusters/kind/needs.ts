import { parse, parseAllDocuments } from 'yaml';
import type { WorkloadNeed } from '../../suites/types.ts';
import { workloadNamespace } from './naming.ts';
import type { Plan } from './types.ts';
import { fixedIpAnnotation, poolNamespace } from './workloads.ts';

interface PodTemplate { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: { tolerations?: Array<{ operator?: string; key?: string }> } }
interface Doc {
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: {
    replicas?: number;
    template?: PodTemplate;
    type?: string;
    selector?: Record<string, string>;
    ports?: Array<{ nodePort?: number }>;
  };
}

/** What the plan puts on one cluster: its nodes (from the kind config) and the workload documents it applies. */
export interface RenderedCluster { name: string; nodes: Array<{ name: string; role: string }>; docs: Doc[] }

export function renderedClusters(plan: Plan): RenderedCluster[] {
  return plan.clusters.map((name) => {
    const config = parse(plan.files[`kind/${name}.yaml`] ?? '') as { nodes?: Array<{ role?: string }> } | null;
    const nodes = (config?.nodes ?? []).map((n, i) => ({ name: `node${i}`, role: n.role ?? 'control-plane' }));
    const files = Object.keys(plan.files).filter((f) => f === `workloads/${name}.yaml` || f.startsWith(`workloads/${name}-`));
    const docs = files.flatMap((f) => parseAllDocuments(plan.files[f]!).map((d) => d.toJS() as Doc)).filter((d) => d && d.kind);
    return { name, nodes, docs };
  });
}

/**
 * Where kube-scheduler can put a workload's pods. kind keeps kubeadm's node-role.kubernetes.io/control-plane:NoSchedule
 * taint when the cluster has workers (kind pkg/cluster/internal/create/actions/kubeadminit/init.go@v0.32.0 removes
 * it only for a single node), so pods without a toleration land on workers only.
 */
function eligibleNodes(cluster: RenderedCluster, template: PodTemplate | undefined): number {
  const workers = cluster.nodes.filter((n) => n.role === 'worker').length;
  const tolerates = (template?.spec?.tolerations ?? []).some((t) => (t.operator === 'Exists' && !t.key) || t.key === 'node-role.kubernetes.io/control-plane');
  return tolerates || workers === 0 ? cluster.nodes.length : workers;
}

/**
 * Pods of the workloads whose template carries app=`app` in `namespace`: `perNode` pods every eligible node is sure to run
 * (a DaemonSet puts exactly one on each, kube-scheduler is not involved in which), `maxNodes` the most nodes they can span.
 */
function placement(cluster: RenderedCluster, app: string, namespace = workloadNamespace): { perNode: number; minNodes: number; maxNodes: number; pods: number } {
  let perNode = 0, minNodes = 0, maxNodes = 0, pods = 0;
  for (const d of cluster.docs) {
    if ((d.metadata?.namespace ?? 'default') !== namespace || d.spec?.template?.metadata?.labels?.['app'] !== app) continue;
    const eligible = eligibleNodes(cluster, d.spec.template);
    if (d.kind === 'DaemonSet') {
      // Every DaemonSet here reaches at least every worker (eligibleNodes), so each worker runs one pod of each.
      perNode += 1; minNodes = Math.max(minNodes, eligible); maxNodes = Math.max(maxNodes, eligible); pods += eligible;
    } else if (d.kind === 'Deployment') {
      // Where a Deployment's replicas go is kube-scheduler's choice: at least one node, at most one per replica.
      const replicas = d.spec.replicas ?? 1;
      if (replicas > 0) minNodes = Math.max(minNodes, 1);
      maxNodes = Math.max(maxNodes, Math.min(replicas, eligible));
      pods += replicas;
    }
  }
  return { perNode, minNodes, maxNodes, pods };
}

function service(cluster: RenderedCluster, name: string): Doc | undefined {
  return cluster.docs.find((d) => d.kind === 'Service' && d.metadata?.name === name && (d.metadata.namespace ?? 'default') === workloadNamespace);
}

function deployment(cluster: RenderedCluster, name: string, namespace = workloadNamespace): Doc | undefined {
  return cluster.docs.find((d) => d.kind === 'Deployment' && d.metadata?.name === name && (d.metadata.namespace ?? 'default') === namespace && (d.spec?.replicas ?? 1) > 0);
}

/** Why the plan's workloads do not meet `need` (empty: met). Cluster 0 is the one a profile's behaviours run on. */
export function unmetNeed(clusters: RenderedCluster[], need: WorkloadNeed): string[] {
  const cluster = clusters[0];
  if (!cluster) return ['the plan has no cluster'];
  const probes = placement(cluster, 'probe');
  switch (need.kind) {
    case 'pods-on-one-node':
      return probes.perNode >= need.count ? [] : [`no node is sure to run ${need.count} probe pods (app=probe in ${workloadNamespace}): DaemonSets give ${probes.perNode} per node`];
    case 'pods-on-nodes':
      return probes.minNodes >= need.count ? [] : [`probe pods are sure to run on ${probes.minNodes} nodes, need ${need.count}`];
    case 'service': {
      const svc = service(cluster, need.name);
      if (!svc) return [`no Service ${need.name} in ${workloadNamespace}`];
      const problems: string[] = [];
      if ((svc.spec?.type ?? 'ClusterIP') !== need.type) problems.push(`Service ${need.name} is ${svc.spec?.type ?? 'ClusterIP'}, need ${need.type}`);
      if (svc.spec?.selector?.['app'] !== need.app) problems.push(`Service ${need.name} selects app=${svc.spec?.selector?.['app'] ?? '(none)'}, need app=${need.app}`);
      if (need.nodePort !== undefined && !svc.spec?.ports?.some((p) => p.nodePort === need.nodePort)) problems.push(`Service ${need.name} has no nodePort ${need.nodePort}`);
      if (placement(cluster, need.app).pods === 0) problems.push(`Service ${need.name}: no pod labelled app=${need.app} to back it`);
      return problems;
    }
    case 'node-without-backend': {
      const p = placement(cluster, need.app);
      if (p.pods === 0) return [`no pod labelled app=${need.app}`];
      return p.maxNodes < cluster.nodes.length ? [] : [`pods app=${need.app} may cover all ${cluster.nodes.length} nodes: no node is sure to lack a backend`];
    }
    case 'rebel-base-x-wing-in-two-clusters': {
      if (clusters.length < 2) return [`the plan has ${clusters.length} cluster, need two for rebel-base/x-wing`];
      return clusters.flatMap((c) => {
        const problems: string[] = [];
        if (!deployment(c, 'rebel-base')) problems.push(`${c.name}: no rebel-base Deployment`);
        if (!deployment(c, 'x-wing')) problems.push(`${c.name}: no x-wing Deployment`);
        if (service(c, 'rebel-base')?.metadata?.annotations?.['service.cilium.io/global'] !== 'true') problems.push(`${c.name}: no global Service rebel-base (service.cilium.io/global: "true")`);
        return problems;
      });
    }
    case 'fixed-ip-pod':
      return cluster.docs.some((d) => d.kind === 'Deployment' && d.spec?.template?.metadata?.annotations?.[fixedIpAnnotation])
        ? [] : [`no pod annotated ${fixedIpAnnotation} (workload set fixed-ip)`];
    case 'pool-migration-pods':
      return cluster.docs.some((d) => d.kind === 'Deployment' && d.metadata?.namespace === poolNamespace && (d.spec?.replicas ?? 1) > 0)
        ? [] : [`no pods in namespace ${poolNamespace} (workload set pool-migration)`];
  }
}
