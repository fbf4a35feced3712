import type { Finding } from './types.ts';

/**
 * cgroup v2 is required for the pinned node image: since Kubernetes 1.35 the kubelet refuses to start on cgroup v1
 * unless failCgroupV1 is false (KEP-5573 keps/sig-node/5573-cgroup-v1-unsupported; kubelet error "kubelet is configured
 * to not run on a host using cgroup v1"). kind v0.32.0 itself only warns (pkg/cluster/internal/create/create.go).
 */
export function cgroupFindings(cgroupVersion: string | undefined, kubernetesMinor: number): Finding[] {
  const check = 'cgroup version';
  if (!cgroupVersion) return [{ check, status: 'warn', detail: 'docker info did not report a cgroup version', fix: 'check `stat -fc %T /sys/fs/cgroup` (cgroup2fs = v2)' }];
  if (cgroupVersion === '2') return [{ check, status: 'ok', detail: 'cgroup v2' }];
  return [{
    check,
    status: kubernetesMinor >= 35 ? 'fail' : 'warn',
    detail: `cgroup v${cgroupVersion}: the kubelet of the pinned node image (Kubernetes 1.${kubernetesMinor}) ${kubernetesMinor >= 35 ? 'refuses to start on cgroup v1 by default' : 'is deprecated on cgroup v1'}`,
    fix: 'boot the host with cgroup v2 (kernel command line systemd.unified_cgroup_hierarchy=1), or use a host that has it (current Ubuntu/Debian/Fedora, GitHub\'s ubuntu runners)',
  }];
}
