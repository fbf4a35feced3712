import type { ExecResult, NodeHandle, PodHandle } from '../types.ts';

/**
 * A shell line for a kind node that runs argv in a pod's network namespace with the node's privileges. Inside the pod's
 * own container /proc/sys is read-only (containerd mounts it so for unprivileged containers), so what writes a sysctl
 * there silently does nothing: `ip route flush cache` prints `Cannot open "/proc/sys/net/ipv4/route/flush": Read-only
 * file system` and still exits 0 (iproute2 ip/iproute.c iproute_flush_cache: its return value is ignored; seen on a real
 * kind cluster here, December 2026). The node (privileged) enters the sandbox's network namespace found by crictl
 * (kind's base image configures it, images/base/files/etc/crictl.yaml@v0.32.0; `inspectp` reports the sandbox's OCI spec
 * under info.runtimeSpec, containerd internal/cri/server/sandbox_status.go) and nsenter (util-linux, images/base/Dockerfile@v0.32.0).
 */
export function podNetnsScript(pod: Pick<PodHandle, 'namespace' | 'name'>): string {
  return [
    'set -e',
    `id=$(crictl pods --namespace '${pod.namespace}' --name '^${pod.name}$' --state ready -q | head -n1)`,
    `[ -n "$id" ] || { echo "no ready sandbox of pod ${pod.namespace}/${pod.name} on this node" >&2; exit 1; }`,
    `netns=$(crictl inspectp -o go-template --template '{{range .info.runtimeSpec.linux.namespaces}}{{if eq .type "network"}}{{.path}}{{end}}{{end}}' "$id")`,
    `[ -n "$netns" ] || { echo "pod ${pod.namespace}/${pod.name}: its sandbox names no network namespace" >&2; exit 1; }`,
    'exec nsenter --net="$netns" "$@"',
  ].join('\n');
}

/** Runs argv in the pod's network namespace from its node (see podNetnsScript). */
export function podNetnsExec(node: Pick<NodeHandle, 'exec'>, pod: Pick<PodHandle, 'namespace' | 'name'>, argv: string[]): Promise<ExecResult> {
  return node.exec(['sh', '-c', podNetnsScript(pod), 'pod-netns', ...argv]);
}
