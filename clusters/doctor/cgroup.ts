import type { Finding } from './types.ts';

/**
 * cgroup v2 is required for the pinned node image: since Kubernetes 1.35 the kubelet refuses to start on cgroup v1
 * unless failCgroupV1 is false (KEP-5573 keps/sig-node/5573-cgroup-v1-unsupported; kubelet error "kubelet is configured
 * to not run on a host using cgroup v1"). kind v0.32.0 itself only warns (pkg/cluster/internal/create/create.go).
 */
export function cgroupFindings(cgroupVersion: string | undefined, kubernetesMinor: number, kubeletAllowsV1 = false): Finding[] {
  const check = 'cgroup version';
  if (!cgroupVersion) return [{ check, status: 'warn', detail: 'docker info did not report a cgroup version', fix: 'check `stat -fc %T /sys/fs/cgroup` (cgroup2fs = v2)' }];
  if (cgroupVersion === '2') return [{ check, status: 'ok', detail: 'cgroup v2' }];
  // The hook for running on cgroup v1: once every kind config the harness renders sets failCgroupV1: false for the
  // kubelet (kind-config.ts kindConfigAllowsCgroupV1), the refusal becomes a warning (v1 is deprecated, not refused).
  if (kubernetesMinor >= 35 && kubeletAllowsV1) {
    return [{ check, status: 'warn', detail: `cgroup v${cgroupVersion}: the harness sets failCgroupV1: false, so the kubelet (Kubernetes 1.${kubernetesMinor}) starts; cgroup v1 is deprecated`, fix: 'boot the host with cgroup v2 (kernel command line systemd.unified_cgroup_hierarchy=1)' }];
  }
  return [{
    check,
    status: kubernetesMinor >= 35 ? 'fail' : 'warn',
    detail: `cgroup v${cgroupVersion}: the kubelet of the pinned node image (Kubernetes 1.${kubernetesMinor}) ${kubernetesMinor >= 35 ? 'refuses to start on cgroup v1 by default' : 'is deprecated on cgroup v1'}`,
    fix: 'boot the host with cgroup v2 (kernel command line systemd.unified_cgroup_hierarchy=1), or use a host that has it (current Ubuntu/Debian/Fedora, GitHub\'s ubuntu runners)',
  }];
}
