import { parseClusterMeshStatus, type ClusterMeshStatus } from '../../helpers/parsers/cilium-clustermesh-status.ts';
import { defineBehaviour } from '../check.ts';
import { pollUntilDone } from '../../helpers/probes/poll.ts';
import { kubeOf, output } from '../kube-actions.ts';
import { DOCS, clustermeshRequirements } from './agents.ts';

export interface ClusterMeshObservation { status?: ClusterMeshStatus; error?: string }

/** At least one remote cluster, configured and connected on every node. */
export function expectClusterMesh(v: ClusterMeshObservation): string[] {
  if (!v.status) return [`cilium clustermesh status failed: ${v.error ?? 'no output'}; check the clustermesh-apiserver deployment`];
  const s = v.status;
  // The CLI's own verdict: a status that printed its first lines and then failed (v.error) is a failure, named first.
  const problems: string[] = v.error ? [`cilium clustermesh status failed: ${v.error}`] : [];
  if (s.clusters.length === 0) problems.push('no remote cluster connected; run "cilium clustermesh connect"');
  for (const c of s.clusters) {
    if (c.connected < c.connectedOf || c.configured < c.configuredOf || c.connectedOf === 0) {
      problems.push(`remote cluster ${c.name}: ${c.configured}/${c.configuredOf} configured, ${c.connected}/${c.connectedOf} connected, expected all nodes`);
    }
  }
  if (s.nodes && s.nodes.notConnected > 0) problems.push(`${s.nodes.notConnected}/${s.nodes.total} nodes are not connected to all clusters`);
  problems.push(...s.errors.map((e) => `error: ${e}`));
  return problems;
}

export const cCm1 = defineBehaviour<ClusterMeshObservation>({
  id: 'C-CM-1',
  title: 'clustermesh connects two clusters',
  docs: DOCS.clustermesh,
  requires: clustermeshRequirements,
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  // The control's undo may wait 10 min for cilium clustermesh status --wait.
  timeoutMs: 1_200_000,
  async probe(cluster) {
    const kube = kubeOf(cluster);
    // run points cilium at this cluster's context.
    const r = await kube.run(['cilium', 'clustermesh', 'status']);
    const text = r.stdout + r.stderr;
    const raw = { 'cilium clustermesh status': text };
    try {
      const status = parseClusterMeshStatus(text);
      // Status() prints the Service and access lines, then returns an error for what follows (e.g. "deployment
      // clustermesh-apiserver is not ready: replicas count is zero"), which the CLI prints as "Error: Unable to determine
      // status:  <err>" on stderr and exits 1 (clustermesh/clustermesh.go Status, statusDeployment; k8s/client.go
      // CheckDeploymentStatus; cli/clustermesh.go and cli/utils.go fatalf, all @v0.19.7).
      if (r.exitCode !== 0) return { raw, value: { status, error: `exit ${r.exitCode}: ${cliError(text)}` } };
      return { raw, value: { status } };
    } catch (e) {
      return { raw, value: { error: `exit ${r.exitCode}: ${(e as Error).message}` } };
    }
  },
  expect: expectClusterMesh,
  negativeControls: [
    {
      name: 'local clustermesh-apiserver scaled to 0',
      owner: {
        owner: 'Deployment controller (kube-system/clustermesh-apiserver)', reverts: 'never', breakage: 'changes',
        why: 'the Deployment controller follows spec.replicas, which the control itself sets to 0; nothing owns the Deployment\'s spec at run time (cilium-cli/Helm render it once, at install)',
      },
      async apply(cluster) {
        const kube = kubeOf(cluster);
        await kube.scale('kube-system', 'clustermesh-apiserver', 0);
        // kube.pods leaves terminating pods out: none listed means no apiserver serves this cluster's state any more.
        await pollUntilDone('no clustermesh-apiserver pod left in kube-system', async () =>
          (await kube.pods('kube-system', APISERVER_SELECTOR)).map((p) => `${p.name} still running`), 120_000, 1_000);
        return {
          what: 'clustermesh-apiserver replicas=0',
          async undo() {
            await kube.scale('kube-system', 'clustermesh-apiserver', 1);
            // With KVStoreMesh the agents resync from an empty local etcd: `--wait` returns once the Deployment is ready and
            // no node (nor KVStoreMesh replica) is NotReady (clustermesh/clustermesh.go@v0.19.7 Status, statusConnectivity).
            await output(`cluster "${cluster.name}"`, (a) => kube.run(a, { timeoutMs: 660_000 }), ['cilium', 'clustermesh', 'status', '--wait', '--wait-duration', '10m']);
          },
        };
      },
      expectFailure: /cilium clustermesh status failed|not connected|no remote cluster connected/,
    },
  ],
});

/** The CLI's "Error: ..." line (cli/utils.go fatalf@v0.19.7), else the last line it printed. */
function cliError(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => l.startsWith('Error: '))?.slice('Error: '.length) ?? lines.at(-1) ?? '(no output)';
}

/** The apiserver's pods (cilium-cli defaults.ClusterMeshPodSelector@v0.19.7). */
const APISERVER_SELECTOR = 'k8s-app=clustermesh-apiserver';
