import type { LabNode, LabPodSpec } from '../types.ts';

export const CNI_PATH = '/usr/lib/cni';

/** The parts of a CNI ADD result (spec 0.3.x/0.4.0/1.0) the lab reads. */
export interface CniResult {
  cniVersion?: string;
  ips?: Array<{ address: string; gateway?: string; interface?: number }>;
}

/** The pod's IPv4 address (without prefix) from a CNI result; throws naming the result when it has none. */
export function podAddressOf(result: CniResult, pod: string): string {
  const address = result.ips?.find((ip) => /^\d+\.\d+\.\d+\.\d+\//.test(ip.address))?.address.split('/')[0];
  if (!address) throw new Error(`CNI ADD for pod ${pod}: result has no IPv4 address: ${JSON.stringify(result)}`);
  return address;
}

/**
 * Runs one CNI plugin ADD the way a container runtime does: CNI_* environment, config JSON on stdin,
 * the result JSON on stdout. Throws with the plugin's error JSON when it fails.
 */
export async function cniAdd(node: LabNode, pod: LabPodSpec, config: Record<string, unknown>): Promise<CniResult> {
  const type = String(config['type']);
  const json = Buffer.from(JSON.stringify(config)).toString('base64');
  const r = await node.exec(['sh', '-c', [
    `echo ${json} | base64 -d |`,
    `CNI_COMMAND=ADD CNI_CONTAINERID=lab-${pod.name} CNI_NETNS=/run/netns/${pod.name} CNI_IFNAME=eth0 CNI_PATH=${CNI_PATH}`,
    `${CNI_PATH}/${type}`,
  ].join(' ')]);
  if (r.exitCode !== 0) throw new Error(`CNI ADD ${type} for pod ${pod.name} on ${node.name} exited ${r.exitCode}: ${(r.stdout || r.stderr).replace(/\s+/g, ' ').trim()}`);
  try {
    return JSON.parse(r.stdout) as CniResult;
  } catch {
    throw new Error(`CNI ADD ${type} for pod ${pod.name} on ${node.name}: result is not JSON: ${r.stdout.slice(0, 300)}`);
  }
}

/**
 * Runs `step` for a node's pods one at a time, in the order the profile lists them, whatever order they
 * arrive in: host-local hands out addresses sequentially, so the order decides who gets which.
 */
export function inProfileOrder(): (pods: LabPodSpec[], pod: LabPodSpec, node: LabNode, step: () => Promise<void>) => Promise<void> {
  const done = new WeakMap<LabNode, Map<string, { promise: Promise<void>; settle: (error?: unknown) => void }>>();
  const slot = (node: LabNode, name: string) => {
    const slots = done.get(node) ?? new Map();
    done.set(node, slots);
    let s = slots.get(name);
    if (!s) {
      let settle!: (error?: unknown) => void;
      const promise = new Promise<void>((resolve, reject) => { settle = (e) => (e === undefined ? resolve() : reject(e)); });
      promise.catch(() => {});
      s = { promise, settle };
      slots.set(name, s);
    }
    return s;
  };
  return async (pods, pod, node, step) => {
    const mine = pods.filter((p) => p.node === pod.node);
    const before = mine[mine.indexOf(pod) - 1];
    const own = slot(node, pod.name);
    try {
      if (before) await slot(node, before.name).promise;
      await step();
      own.settle();
    } catch (error) {
      own.settle(error);
      throw error;
    }
  };
}
