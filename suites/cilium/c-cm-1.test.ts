import { describe, expect, it } from 'vitest';
import type { ClusterHandle } from '../../clusters/types.ts';
import { cCm1 } from './c-cm-1.ts';

/**
 * `cilium clustermesh status` with the local clustermesh-apiserver scaled to 0, as cilium-cli v0.19.7 prints it:
 * Status() logs the Service and access lines (clustermesh/clustermesh.go k.Log formats), then statusDeployment fails with
 * "deployment clustermesh-apiserver is not ready: replicas count is zero" (k8s/client.go CheckDeploymentStatus), which
 * cli/clustermesh.go passes to fatalf("Unable to determine status:  %s") -> stderr "\nError: ...\n", exit 1 (cli/utils.go).
 * Assembled from those format strings (no recorded run).
 */
const stdout = '✅ Service "clustermesh-apiserver" of type "NodePort" found\n✅ Cluster access information is available:\n  - 172.18.0.3:32379\n';
const stderr = '\nError: Unable to determine status:  deployment clustermesh-apiserver is not ready: replicas count is zero\n';

const cluster = (exitCode: number, out: string, err: string) =>
  ({ name: 'mesh1', kube: { run: async () => ({ stdout: out, stderr: err, exitCode }) } } as unknown as ClusterHandle);

describe('C-CM-1 probe takes the CLI\'s own failure', () => {
  it('says why the status failed when the first lines parsed and the command exited 1', async () => {
    const { value } = await cCm1.probe(cluster(1, stdout, stderr));
    const problems = cCm1.expect(value);
    expect(problems[0]).toBe('cilium clustermesh status failed: exit 1: Unable to determine status:  deployment clustermesh-apiserver is not ready: replicas count is zero');
    expect(problems.join('\n')).toMatch(cCm1.negativeControls[0]!.expectFailure);
  });

  it('adds nothing when the command succeeded', async () => {
    const connected = `${stdout}✅ Deployment clustermesh-apiserver is ready\nℹ️  KVStoreMesh is enabled\n\n✅ All 3 nodes are connected to all clusters [min:1 / avg:1.0 / max:1]\n\n🔌 Cluster Connections:\n  - cluster2: 3/3 configured, 3/3 connected - KVStoreMesh: 1/1 configured, 1/1 connected\n`;
    const { value } = await cCm1.probe(cluster(0, connected, ''));
    expect(cCm1.expect(value)).toEqual([]);
  });
});
