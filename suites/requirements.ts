import type { Capabilities } from '../clusters/types.ts';
import type { Requirement } from './types.ts';

export function cni(name: Capabilities['cni']): Requirement {
  return { name: `CNI ${name}`, met: (c) => c.cni === name, reason: (c) => `the cluster runs ${c.cni}, not ${name}` };
}

export function feature(name: string): Requirement {
  return {
    name: `feature ${name}`,
    met: (c) => c.features.includes(name),
    reason: (c) => `the cluster does not show ${name} (detected: ${c.features.join(', ') || 'none'})`,
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
