import type { EngineName } from '../engine.ts';
import { nodeNames } from './naming.ts';
import type { Command, KindClusterSpec } from './types.ts';

/**
 * br_netfilter for CNIs that bridge pods. flannel's CNI plugin delegates to the reference `bridge` plugin (cni-conf.json
 * in Documentation/kube-flannel.yml@v0.28.9: "type": "flannel" with a delegate; kind-config.ts mounts that plugin), and
 * without br_netfilter a same-node Service reply crosses the bridge without conntrack (no reverse NAT): X-SVC-1 then fails
 * whenever the backend is on the client's node. Nothing loads it for us: flannel's own kind CI runs
 * `sudo modprobe br_netfilter overlay` first (.github/workflows/kind-e2eTests.yml@v0.28.9).
 */
export const BRIDGE_NF_SYSCTL = '/proc/sys/net/bridge/bridge-nf-call-iptables';

export const MODPROBE_FIX = 'sudo modprobe br_netfilter (persist it in /etc/modules-load.d/)';

export function bridgesPods(spec: KindClusterSpec): boolean {
  return spec.install.cni === 'flannel';
}

/**
 * Makes sure every node sees bridge-nf-call-iptables, right after `kind create`, before the CNI starts. kind nodes share
 * the host kernel: the module loaded once is there for every node, and its sysctls exist in every network namespace
 * (linux net/bridge/br_netfilter_hooks.c: brnf_net_ops.init = brnf_init_net registers them per netns, default 1). A node
 * is privileged with the host's /lib/modules mounted read-only (pkg/cluster/internal/providers/docker/provision.go@v0.32.0
 * "--privileged", "/lib/modules:/lib/modules:ro") and has kmod (images/base/Dockerfile@v0.32.0), so its modprobe loads
 * the host's module; where that fails the step stops the run with the fix for the host.
 */
export function brNetfilterCommands(cluster: string, spec: KindClusterSpec, engine: EngineName = 'docker'): Command[] {
  if (!bridgesPods(spec)) return [];
  const check = `test -e ${BRIDGE_NF_SYSCTL}`;
  const refuse = `echo "br_netfilter is not loaded (no ${BRIDGE_NF_SYSCTL}) and the node could not load it; on the host: ${MODPROBE_FIX}" >&2; exit 1`;
  return nodeNames(cluster, spec.nodes).map((node) => ({
    tool: engine,
    args: ['exec', node, 'sh', '-c', `${check} || modprobe br_netfilter; ${check} || { ${refuse}; }`],
    why: `make sure ${node} sees ${BRIDGE_NF_SYSCTL} (br_netfilter, for ${spec.install.cni}'s bridge)`,
  }));
}

/** Host kernel facts for the refusal before any cluster is created (as the doctor reads them). */
export interface HostBridgeFacts { sysctlPresent: boolean; loadable: boolean }

/**
 * Why a profile that bridges pods cannot run on this host, before anything is created: br_netfilter neither active nor
 * loadable (not in modules.dep of the running kernel). Loadable but not loaded is fine: brNetfilterCommands loads it.
 */
export function brNetfilterRefusal(specs: readonly KindClusterSpec[], facts: HostBridgeFacts): string | undefined {
  if (!specs.some(bridgesPods) || facts.sysctlPresent || facts.loadable) return undefined;
  return `br_netfilter is neither loaded (no ${BRIDGE_NF_SYSCTL}) nor loadable on this kernel, and ${specs.find(bridgesPods)!.install.cni} bridges pods `
    + `(same-node Service replies would bypass conntrack); fix: ${MODPROBE_FIX}, or use a kernel with CONFIG_BRIDGE_NETFILTER`;
}
