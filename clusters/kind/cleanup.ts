import { kindEngineName, kindEngineSync, labelField, type EngineName, type EngineSync } from '../engine.ts';
import { clusterPrefix, runSlugOf } from './naming.ts';
import { removeForwardRulesSync, removeRunNetworkSync } from './podman-network.ts';

/**
 * kind's docker provider labels every node container with its cluster name (`--label io.x-k8s.kind.cluster=<name>`,
 * pkg/cluster/internal/providers/docker/provision.go and constants.go@v0.32.0); our run labels never reach them.
 */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

/** Runs the docker CLI synchronously (exit and signal hooks cannot wait) and returns stdout; throws on failure. */
export type DockerSync = EngineSync;

/** The engine kind's clusters live in (engine.ts), with its name: podman needs more than `rm -f -v` (below). */
export interface KindEngineSync { name: EngineName; run: EngineSync }

export const kindEngine = (): KindEngineSync => ({ name: kindEngineName(), run: kindEngineSync });

/** Every kind cluster on this engine, as kind's ListClusters reads them ({docker,podman}/provider.go@v0.32.0: ps -a by label). */
export function kindClustersSync(engine: KindEngineSync = kindEngine()): string[] {
  let out: string;
  try {
    out = engine.run(['ps', '-a', '--filter', `label=${KIND_CLUSTER_LABEL}`, '--format', labelField(engine.name, KIND_CLUSTER_LABEL)]);
  } catch {
    return [];
  }
  return [...new Set(out.split('\n').map((l) => l.trim()).filter(Boolean))].sort();
}

/** The kind clusters of one run (names start `cnc-<run slug>-`), or of every run when runId is omitted. */
export function runKindClustersSync(runId?: string, engine: KindEngineSync = kindEngine()): string[] {
  return kindClustersSync(engine).filter((name) => (runId ? name.startsWith(clusterPrefix(runId)) : runSlugOf(name) !== undefined));
}

/**
 * Deletes one of our kind clusters as `kind delete cluster` does (delete/delete.go@v0.32.0: ListNodes, then
 * DeleteNodes = `rm -f -v` of the node containers); its kubeconfig lives in the run's plan folder, so there is no
 * shared kubeconfig entry to remove. On podman, DeleteNodes also removes each node's /var volume, a named volume
 * labelled `<node name>=true` that `rm -v` leaves (pkg/cluster/internal/providers/podman/provider.go@v0.32.0
 * DeleteNodes, util.go createAnonymousVolume/getVolumes/deleteVolumes). Refuses clusters the harness did not name.
 * Returns the containers removed.
 */
export function deleteKindClusterSync(name: string, engine: KindEngineSync = kindEngine()): number {
  if (!runSlugOf(name)) throw new Error(`cluster "${name}": not made by cni-conformance (names start cnc-<run>-); delete it yourself with kind delete cluster --name ${name}`);
  let ids: string[];
  try {
    const rows = engine.run(['ps', '-a', '--filter', `label=${KIND_CLUSTER_LABEL}=${name}`, '--format', '{{.ID}} {{.Names}}']).split('\n').filter(Boolean);
    ids = rows.map((r) => r.split(' ')[0]!);
    if (ids.length > 0) engine.run(['rm', '-f', '-v', ...ids]);
    if (engine.name === 'podman') {
      const volumes = rows.flatMap((r) => engine.run(['volume', 'ls', '--filter', `label=${r.split(' ')[1]}`, '--quiet']).split('\n').filter(Boolean));
      if (volumes.length > 0) engine.run(['volume', 'rm', '--force', ...volumes]);
    }
  } catch {
    return 0;
  }
  return ids.length;
}

/** Deletes every kind cluster of a run; returns how many containers went. */
export function deleteRunKindClustersSync(runId: string, engine: KindEngineSync = kindEngine()): number {
  const removed = runKindClustersSync(runId, engine).reduce((n, name) => n + deleteKindClusterSync(name, engine), 0);
  // podman: what the run opened on the host for its nodes (podman-network.ts), after the nodes are gone.
  if (engine.name === 'podman') {
    removeRunNetworkSync(runId, engine.run);
    removeForwardRulesSync([runId]);
  }
  return removed;
}
