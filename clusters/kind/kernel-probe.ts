import type { NodeHandle } from '../types.ts';

/** Datapath features visible in `ip -d link` output of a node. */
export function linkFeatures(ipDetailLink: string): string[] {
  const features = new Set<string>();
  if (/\bcilium_vxlan\b/.test(ipDetailLink)) features.add('vxlan');
  if (/\bvxlan\.calico\b/.test(ipDetailLink)) features.add('vxlan');
  if (/\bflannel\.1\b/.test(ipDetailLink)) features.add('vxlan');
  if (/\btunl0@/.test(ipDetailLink) && /\bipip\b/.test(ipDetailLink)) features.add('ipip-device');
  if (/\bcali[0-9a-f]{11}@/.test(ipDetailLink)) features.add('calico-gateway');
  if (/\bcilium_host@/.test(ipDetailLink)) features.add('cilium-host');
  return [...features];
}

/**
 * Kernel facts read without changing the node: /sys/module/<m> exists when the module is loaded or built in
 * (ipip and vxlan both have parameters, log_ecn_error and udp_port, so built-ins show there too); /proc/modules
 * exists when the kernel loads modules; modules.builtin lists what is built in, modules.dep what it could load. kind
 * nodes read the host's: sysfs is the host kernel's, and kind mounts /lib/modules read-only into every node
 * (pkg/cluster/internal/providers/docker/provision.go@v0.32.0 "/lib/modules:/lib/modules:ro").
 */
export const kernelFactsScript = 'for m in ipip vxlan; do test -d /sys/module/$m && echo sys:$m; done; '
  + 'test -e /proc/modules && echo modules:on; '
  + 'grep -hoE "/(ipip|vxlan)\\.ko" /lib/modules/$(uname -r)/modules.builtin 2>/dev/null | sed "s|^/|builtin:|; s|\\.ko$||"; '
  + 'grep -hoE "/(ipip|vxlan)\\.ko" /lib/modules/$(uname -r)/modules.dep 2>/dev/null | sed "s|^/|dep:|; s|\\.ko$||"; true';

export type ModuleVerdict = { ok: true } | { ok: false; why: string };

/** Whether the kernel has (or can load) a module, from kernelFactsScript's output. */
export function moduleVerdict(module: 'ipip' | 'vxlan', facts: string): ModuleVerdict {
  const lines = new Set(facts.split('\n').map((l) => l.trim()).filter(Boolean));
  if (lines.has(`sys:${module}`) || lines.has(`builtin:${module}`)) return { ok: true };
  if (!lines.has('modules:on')) return { ok: false, why: `${module} is neither loaded nor built in, and this kernel loads no modules` };
  if (lines.has(`dep:${module}`)) return { ok: true };
  return { ok: false, why: `${module} is not loaded and modules.dep of the running kernel has no ${module}.ko (or /lib/modules is not readable)` };
}

/**
 * The node probe of kind and attached clusters: reads only. A test link would change the host it probes: creating an
 * ipip link loads the ipip module, whose fallback tunl0 then appears DOWN in every network namespace (Linux
 * net/ipv4/ip_tunnel.c ip_tunnel_init_net, net_has_fallback_tunnels), on kind nodes too, which share the host kernel.
 */
export async function readOnlyProbe(node: NodeHandle, log: (line: string) => void = () => {}): Promise<{ ipip: boolean; vxlan: boolean; features: string[] }> {
  const facts = await node.exec(['sh', '-c', kernelFactsScript]);
  const links = await node.exec(['ip', '-d', 'link', 'show']);
  if (links.exitCode !== 0) throw new Error(`node ${node.name}: "ip -d link show" exited ${links.exitCode}: ${(links.stderr || links.stdout).trim()}; check --node-exec`);
  const verdicts = { ipip: moduleVerdict('ipip', facts.stdout), vxlan: moduleVerdict('vxlan', facts.stdout) };
  for (const [m, v] of Object.entries(verdicts)) if (!v.ok) log(`node ${node.name}: no kernel ${m}: ${v.why}`);
  return { ipip: verdicts.ipip.ok, vxlan: verdicts.vxlan.ok, features: linkFeatures(links.stdout) };
}
