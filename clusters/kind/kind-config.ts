import { versions } from '../../versions.ts';
import { runIdLabel, runSlug } from './naming.ts';
import type { KindClusterSpec, KindMount } from './types.ts';

/** Where the reference `bridge` plugin is mounted: straight into the CNI bin dir, read-only. */
export const bridgePluginPath = '/opt/cni/bin/bridge';

export interface KindConfigInput {
  name: string;
  runId: string;
  spec: KindClusterSpec;
  /** Absolute host path of the extracted CNI reference plugins (flannel profiles). */
  cniPluginsDir?: string;
}

/** The kind v1alpha4 Cluster object for one cluster of a profile. */
export function kindConfig(input: KindConfigInput): Record<string, unknown> {
  const { spec } = input;
  const mounts: KindMount[] = [];
  if (spec.install.cni === 'flannel') {
    if (!input.cniPluginsDir) throw new Error(`cluster "${input.name}": flannel needs cniPluginsDir for the bridge plugin`);
    mounts.push({ hostPath: `${input.cniPluginsDir}/bridge`, containerPath: bridgePluginPath, readOnly: true });
  }
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: input.name,
    networking: { ...spec.networking },
    nodes: spec.nodes.map((node) => ({
      role: node.role,
      image: versions.kind.nodeImage,
      labels: { ...node.labels, [runIdLabel]: runSlug(input.runId) },
      ...(mounts.length > 0 ? { extraMounts: mounts } : {}),
    })),
  };
}
