import { linkFeatures } from '../kind/capabilities.ts';
import type { NodeHandle } from '../types.ts';

/**
 * Kernel facts read without changing the node: /sys/module/<m> exists when the module is loaded or built in
 * (ipip and vxlan both have parameters, log_ecn_error and udp_port, so built-ins show there too); /proc/modules
 * exists when the kernel loads modules; modules.dep lists the ones it could load.
 */
export const kernelFactsScript = 'for m in ipip vxlan; do test -d /sys/module/$m && echo sys:$m; done; '
  + 'test -e /proc/modules && echo modules:on; '
  + 'grep -hoE "/(ipip|vxlan)\\.ko" /lib/modules/$(uname -r)/modules.dep 2>/dev/null | sed "s|^/|dep:|; s|\\.ko$||"; true';

export type ModuleVerdict = { ok: true } | { ok: false; why: string };

/** Whether the kernel has (or can load) a module, from kernelFactsScript's output. */
export function moduleVerdict(module: 'ipip' | 'vxlan', facts: string): ModuleVerdict {
  const lines = new Set(facts.split('\n').map((l) => l.trim()).filter(Boolean));
  if (lines.has(`sys:${module}`)) return { ok: true };
  if (!lines.has('modules:on')) return { ok: false, why: `${module} is neither loaded nor built in, and this kernel loads no modules` };
  if (lines.has(`dep:${module}`)) return { ok: true };
  return { ok: false, why: `${module} is not loaded and modules.dep of the running kernel has no ${module}.ko (or /lib/modules is not readable)` };
}

/**
 * The node probe for an attached cluster: reads only (no test links, which would also autoload modules and
 * bring up tunl0 on a cluster the harness did not create). Same result shape as kind's probeNode.
 */
export async function readOnlyProbe(node: NodeHandle, log: (line: string) => void = () => {}): Promise<{ ipip: boolean; vxlan: boolean; features: string[] }> {
  const facts = await node.exec(['sh', '-c', kernelFactsScript]);
  const links = await node.exec(['ip', '-d', 'link', 'show']);
  if (links.exitCode !== 0) throw new Error(`node ${node.name}: "ip -d link show" exited ${links.exitCode}: ${(links.stderr || links.stdout).trim()}; check --node-exec`);
  const verdicts = { ipip: moduleVerdict('ipip', facts.stdout), vxlan: moduleVerdict('vxlan', facts.stdout) };
  for (const [m, v] of Object.entries(verdicts)) if (!v.ok) log(`node ${node.name}: no kernel ${m}: ${v.why}`);
  return { ipip: verdicts.ipip.ok, vxlan: verdicts.vxlan.ok, features: linkFeatures(links.stdout) };
}
