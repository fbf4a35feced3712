import type { Capabilities, NodeHandle } from '../types.ts';

/** Whether the kernel under a node can make a device of this type: probed, not assumed. */
export async function kernelHasLinkType(node: NodeHandle, type: 'ipip' | 'vxlan'): Promise<boolean> {
  const probe = `cc-probe-${type}`;
  const extra = type === 'vxlan' ? ['id', '4242', 'dstport', '4789'] : [];
  const added = await node.exec(['ip', 'link', 'add', probe, 'type', type, ...extra]);
  if (added.exitCode !== 0) return false;
  await node.exec(['ip', 'link', 'del', probe]);
  return true;
}

export async function detectKernel(node: NodeHandle): Promise<Capabilities['kernel']> {
  const [ipip, vxlan] = await Promise.all([kernelHasLinkType(node, 'ipip'), kernelHasLinkType(node, 'vxlan')]);
  return { ipip, vxlan };
}
