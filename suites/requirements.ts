import type { Capabilities } from '../clusters/types.ts';
import type { Requirement } from './types.ts';

export function cni(name: Capabilities['cni']): Requirement {
  return { name: `CNI ${name}`, met: (c) => c.cni === name, reason: (c) => `the cluster runs ${c.cni}, not ${name}` };
}

/**
 * A datapath feature detected from the live cluster (capabilities.features); `why` says what makes it show,
 * e.g. "cilium-config kube-proxy-replacement=true". Feature names: clusters/kind/capabilities.ts `kindFeatures`.
 */
export function feature(name: string, why?: string): Requirement {
  return {
    name: `feature ${name}`,
    met: (c) => c.features.includes(name),
    reason: (c) => `the cluster does not show ${name}${why ? ` (${why})` : ''}; detected: ${c.features.join(', ') || 'none'}`,
  };
}

export function kernelModule(name: keyof Capabilities['kernel']): Requirement {
  return {
    name: `kernel ${name}`,
    met: (c) => c.kernel[name],
    reason: () => `the kernel cannot create ${name} devices here (ip link add type ${name} fails: module not built or not loaded)`,
  };
}

export function provider(...names: Capabilities['provider'][]): Requirement {
  return { name: `provider ${names.join(' or ')}`, met: (c) => names.includes(c.provider), reason: (c) => `runs only on ${names.join('/')}, this is ${c.provider}` };
}

/** Only kind and attached clusters have a Kubernetes API (cluster.kube). */
export const onKubernetes: Requirement = {
  name: 'a Kubernetes cluster',
  met: (c) => c.provider !== 'lab',
  reason: () => 'the lab provider has no Kubernetes API; run on a kind profile or attach to a cluster',
};
