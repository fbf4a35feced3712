import type { Capabilities, KubeActions, PodHandle } from '../types.ts';
import { calicoNodePods, ciliumAgentPods, systemPods } from './system-pods.ts';

/** Lines of each CNI pod log kept in the report. */
export const LOG_TAIL_LINES = 200;

export function tail(text: string, lines = LOG_TAIL_LINES): string {
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all.slice(-lines).join('\n');
}

async function execText(pod: PodHandle, argv: string[]): Promise<string> {
  const r = await pod.exec(argv).catch((error: Error) => ({ stdout: '', stderr: error.message, exitCode: 1 }));
  return r.exitCode === 0 ? r.stdout : `${r.stdout}${r.stderr}\n(exit ${r.exitCode})`;
}

async function logTail(kube: KubeActions, pod: PodHandle, container: string): Promise<string> {
  return kube.logs(pod.namespace, pod.name, container).then((t) => tail(t), (error: Error) => `failed to read logs: ${error.message}`);
}

/**
 * What the CNI itself says when a behaviour fails: `cilium-dbg status --verbose` and the agent log tail per Cilium agent;
 * BIRD's `show protocols all` (what calicoctl node status reads) and the calico-node log tail per Calico node;
 * the flannel log tail per node.
 */
export async function systemDiagnostics(kube: KubeActions, capabilities: Pick<Capabilities, 'cni'>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (capabilities.cni === 'cilium') {
    for (const pod of await ciliumAgentPods(kube)) {
      out[`${pod.name} (${pod.node}): cilium-dbg status --verbose`] = await execText(pod, ['cilium-dbg', 'status', '--verbose']);
      out[`${pod.name} (${pod.node}): cilium-agent log tail`] = await logTail(kube, pod, 'cilium-agent');
    }
  }
  if (capabilities.cni === 'calico') {
    for (const pod of await calicoNodePods(kube)) {
      out[`${pod.name} (${pod.node}): birdcl show protocols all`] = await execText(pod, ['birdcl', '-s', '/var/run/calico/bird.ctl', 'show', 'protocols', 'all']);
      out[`${pod.name} (${pod.node}): calico-node log tail`] = await logTail(kube, pod, 'calico-node');
    }
  }
  if (capabilities.cni === 'flannel') {
    const { namespace, selector, container } = systemPods.flannel;
    for (const pod of await kube.pods(namespace, selector, container)) {
      out[`${pod.name} (${pod.node}): kube-flannel log tail`] = await logTail(kube, pod, container);
    }
  }
  return out;
}
