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
  /** The node image (engine-choice.ts): the pinned upstream reference unless the engine holds only the build from source. */
  nodeImage?: string;
}

/**
 * Lets the kubelet start on a cgroup v1 host: from Kubernetes 1.35 it refuses v1 unless failCgroupV1 is false
 * (k8s.io/kubelet config/v1beta1/types.go@v0.36.1 FailCgroupV1: "prevents the kubelet from starting on hosts that use
 * cgroup v1 ... Default: true"); on a cgroup v2 host the field changes nothing, so every config carries it. kind v0.32.0
 * does not set it and only warns about v1 (pkg/cluster/internal/create/create.go@v0.32.0).
 */
export const CGROUP_V1_KUBELET_PATCH = 'kind: KubeletConfiguration\nfailCgroupV1: false\n';

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
    kubeadmConfigPatches: [CGROUP_V1_KUBELET_PATCH],
    nodes: spec.nodes.map((node) => ({
      role: node.role,
      image: input.nodeImage ?? versions.kind.nodeImage,
      labels: { ...node.labels, [runIdLabel]: runSlug(input.runId) },
      ...(mounts.length > 0 ? { extraMounts: mounts } : {}),
    })),
  };
}

/**
 * Whether a rendered kind config lets the kubelet start on cgroup v1: a kubeadm patch of the KubeletConfiguration with
 * failCgroupV1: false (the kubelet refuses v1 from Kubernetes 1.35 otherwise, KEP-5573; kind v0.32.0 does not set it).
 * The doctor turns its cgroup v1 refusal into a warning when every profile's config says so.
 */
export function kindConfigAllowsCgroupV1(config: Record<string, unknown>): boolean {
  const patches = Array.isArray(config['kubeadmConfigPatches']) ? config['kubeadmConfigPatches'] as unknown[] : [];
  return patches.some((p) => typeof p === 'string' && /kind:\s*KubeletConfiguration\b/.test(p) && /^\s*failCgroupV1:\s*false\s*$/m.test(p));
}
