import type { PodHandle } from '../types.ts';
import type { LabNode, LabPodSpec } from './types.ts';

/** A pod handle: commands run in the pod's netns on its node. */
export function labPod(spec: LabPodSpec, node: LabNode): PodHandle {
  return {
    name: spec.name,
    namespace: 'default',
    node: spec.node,
    addresses: [spec.address],
    labels: spec.labels ?? {},
    exec: (argv) => node.exec(['ip', 'netns', 'exec', spec.name, ...argv]),
  };
}

/** Creates the pod's network namespace with loopback up; the datapath plugs its interface. */
export async function createPodNetns(spec: LabPodSpec, node: LabNode): Promise<void> {
  await node.sh([`ip netns add ${spec.name}`, `ip -n ${spec.name} link set lo up`]);
}
