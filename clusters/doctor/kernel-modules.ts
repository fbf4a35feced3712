import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import type { Finding } from './types.ts';

/** What the host kernel offers: kind nodes are containers and use the host kernel; they cannot load modules themselves. */
export interface KernelFacts {
  /** Names under /sys/module (loaded modules and built-ins with parameters). */
  sysModules: string[];
  /** /proc/modules names, undefined when the kernel has no module support. */
  procModules?: string[];
  /** Names from /lib/modules/$(uname -r)/modules.builtin and modules.dep, undefined when absent. */
  builtin?: string[];
  loadable?: string[];
  /** /proc/sys/net/bridge/bridge-nf-call-iptables exists: br_netfilter is active. */
  bridgeNetfilterSysctls: boolean;
}

/** Which profiles need each module, for the finding's text. */
export const modulesNeeded = {
  // A refusal, not a warning: kind/calico-ipip's pool has ipipMode Always, so without ipip every cross-node pod packet is
  // lost and X-POD-1, X-SVC-1 and K-GW-1 would fail for the host's reason (issue 17 walk).
  ipip: { severity: 'fail', who: 'Calico IPIP pools (kind/calico-ipip: ipipMode Always carries every cross-node pod packet in IPIP)' },
  vxlan: { severity: 'fail', who: 'VXLAN datapaths (cilium-vxlan, cilium-kpr, kind/calico-vxlan, kind/flannel-vxlan, calico-vpp)' },
  br_netfilter: { severity: 'fail', who: 'CNIs that bridge pods (kind/flannel-vxlan, kind/flannel-host-gw: bridge-nf-call-iptables; the harness loads it through a node when the kernel can)' },
} as const;

/** `profiles`: the kind profiles each module's refusal stops (a module no profile of a run needs never refuses it). */
export function kernelModuleFindings(facts: KernelFacts, profiles: Partial<Record<keyof typeof modulesNeeded, string[]>> = {}): Finding[] {
  return (Object.keys(modulesNeeded) as Array<keyof typeof modulesNeeded>).map((name) => {
    const { severity, who } = modulesNeeded[name];
    const check = `kernel module ${name}`;
    const active = facts.sysModules.includes(name) || (facts.procModules ?? []).includes(name) || (facts.builtin ?? []).includes(name)
      || (name === 'br_netfilter' && facts.bridgeNetfilterSysctls);
    if (active) return { check, status: 'ok', detail: 'loaded or built in' };
    if ((facts.loadable ?? []).includes(name)) return { check, status: 'warn', detail: `available but not loaded; needed by ${who}`, fix: `sudo modprobe ${name} (persist it in /etc/modules-load.d/)` };
    const noModules = facts.procModules === undefined ? ' (this kernel has no loadable modules)' : '';
    const stops = profiles[name];
    return { check, status: severity, detail: `not in this kernel${noModules}; needed by ${who}`, fix: `use a kernel with ${name} built in or as a module; profiles that do not need it still run`, ...(stops ? { profiles: stops } : {}) };
  });
}

/** Module names from a modules.builtin / modules.dep text ("kernel/net/ipv4/ipip.ko[.zst]: ..."). */
export function moduleNamesFromList(text: string): string[] {
  return [...text.matchAll(/([\w-]+)\.ko(?:\.\w+)?\b/g)].map((m) => m[1]!.replace(/-/g, '_'));
}

const readText = (path: string) => { try { return readFileSync(path, 'utf8'); } catch { return undefined; } };

/** What this machine's kernel offers, read without changing it: /sys/module, /proc/modules, modules.builtin and modules.dep. */
export function readKernelFacts(): KernelFacts {
  const modulesDir = `/lib/modules/${release()}`;
  const proc = readText('/proc/modules');
  const builtin = readText(`${modulesDir}/modules.builtin`);
  const dep = readText(`${modulesDir}/modules.dep`);
  return {
    sysModules: (() => { try { return readdirSync('/sys/module'); } catch { return []; } })(),
    ...(proc === undefined ? {} : { procModules: proc.split('\n').map((l) => l.split(' ')[0]!).filter(Boolean) }),
    ...(builtin === undefined ? {} : { builtin: moduleNamesFromList(builtin) }),
    ...(dep === undefined ? {} : { loadable: moduleNamesFromList(dep) }),
    bridgeNetfilterSysctls: existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables'),
  };
}
