import { kernelModuleFindings, type KernelFacts } from '../doctor/kernel-modules.ts';
import { stopping } from '../doctor/types.ts';
import { kindProfiles } from '../profiles/kind/index.ts';
import { bridgesPods } from './br-netfilter.ts';
import type { KindClusterSpec, KindProfile } from './types.ts';

/** Whether a cluster's datapath is VXLAN; a Cilium config without routingMode/tunnelProtocol is taken as VXLAN (never refuses less). */
function usesVxlan(spec: KindClusterSpec): boolean {
  const install = spec.install;
  if (install.cni === 'flannel') return install.netConf.Backend.Type === 'vxlan';
  if (install.cni === 'calico') return !!install.vpp || install.resources.some((r) => r.kind === 'IPPool' && (r.spec['vxlanMode'] === 'Always' || r.spec['vxlanMode'] === 'CrossSubnet'));
  return install.values['routingMode'] !== 'native' && install.values['tunnelProtocol'] !== 'geneve';
}

/** A Calico pool that encapsulates in IPIP: without the ipip module no cross-node pod packet leaves the node. */
function usesIpip(spec: KindClusterSpec): boolean {
  const install = spec.install;
  return install.cni === 'calico' && install.resources.some((r) => r.kind === 'IPPool' && (r.spec['ipipMode'] === 'Always' || r.spec['ipipMode'] === 'CrossSubnet'));
}

/** The kind profiles that need each kernel module: a module's refusal stops only them. */
export function moduleProfiles(profiles: readonly KindProfile[] = kindProfiles): Record<'ipip' | 'vxlan' | 'br_netfilter', string[]> {
  return {
    ipip: profiles.filter((p) => p.clusters.some(usesIpip)).map((p) => p.name),
    br_netfilter: profiles.filter((p) => p.clusters.some(bridgesPods)).map((p) => p.name),
    vxlan: profiles.filter((p) => p.clusters.some(usesVxlan)).map((p) => p.name),
  };
}

/**
 * Why the host kernel stops this profile (kind nodes share it and cannot load modules), or undefined: the doctor's
 * module refusals that stop the profile. br_netfilter stops no profile here (no profile listed for it): the provider
 * loads it through a node when the kernel can (br-netfilter.ts).
 */
export function kernelStops(profile: KindProfile, facts: KernelFacts): string | undefined {
  const { ipip, vxlan } = moduleProfiles([profile]);
  const stops = stopping(kernelModuleFindings(facts, { ipip, vxlan, br_netfilter: [] }), profile.name);
  return stops.length > 0 ? stops.map((f) => `${f.check}: ${f.detail}`).join('; ') : undefined;
}
