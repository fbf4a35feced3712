import { execFileSync } from 'node:child_process';
import { clusterPrefix, runSlugOf } from './naming.ts';

/**
 * kind's docker provider labels every node container with its cluster name (`--label io.x-k8s.kind.cluster=<name>`,
 * pkg/cluster/internal/providers/docker/provision.go and constants.go@v0.32.0); our run labels never reach them.
 */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

/** Runs the docker CLI synchronously (exit and signal hooks cannot wait) and returns stdout; throws on failure. */
export type DockerSync = (args: string[]) => string;

export const dockerSync: DockerSync = (args) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** Every kind cluster on this engine, as kind's ListClusters reads them (docker/provider.go@v0.32.0: ps -a by label). */
export function kindClustersSync(docker: DockerSync = dockerSync): string[] {
  let out: string;
  try {
    out = docker(['ps', '-a', '--filter', `label=${KIND_CLUSTER_LABEL}`, '--format', `{{.Label "${KIND_CLUSTER_LABEL}"}}`]);
  } catch {
    return [];
  }
  return [...new Set(out.split('\n').map((l) => l.trim()).filter(Boolean))].sort();
}

/** The kind clusters of one run (names start `cnc-<run slug>-`), or of every run when runId is omitted. */
export function runKindClustersSync(runId?: string, docker: DockerSync = dockerSync): string[] {
  return kindClustersSync(docker).filter((name) => (runId ? name.startsWith(clusterPrefix(runId)) : runSlugOf(name) !== undefined));
}

/**
 * Deletes one of our kind clusters as `kind delete cluster` does (delete/delete.go@v0.32.0: ListNodes, then
 * DeleteNodes = `docker rm -f -v` of the node containers); its kubeconfig lives in the run's plan folder, so there
 * is no shared kubeconfig entry to remove. Refuses clusters the harness did not name. Returns the containers removed.
 */
export function deleteKindClusterSync(name: string, docker: DockerSync = dockerSync): number {
  if (!runSlugOf(name)) throw new Error(`cluster "${name}": not made by cni-conformance (names start cnc-<run>-); delete it yourself with kind delete cluster --name ${name}`);
  let ids: string[];
  try {
    ids = docker(['ps', '-aq', '--filter', `label=${KIND_CLUSTER_LABEL}=${name}`]).split('\n').filter(Boolean);
    if (ids.length > 0) docker(['rm', '-f', '-v', ...ids]);
  } catch {
    return 0;
  }
  return ids.length;
}

/** Deletes every kind cluster of a run; returns how many containers went. */
export function deleteRunKindClustersSync(runId: string, docker: DockerSync = dockerSync): number {
  return runKindClustersSync(runId, docker).reduce((n, name) => n + deleteKindClusterSync(name, docker), 0);
}
