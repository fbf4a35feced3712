import type { KubeActions, PodHandle } from '../types.ts';

/** Where the CNI's own pods run, with the container to exec into (label selectors as the upstream manifests set them). */
export const systemPods = {
  /** Cilium agents: DaemonSet kube-system/cilium. */
  ciliumAgent: { namespace: 'kube-system', selector: 'k8s-app=cilium', container: 'cilium-agent' },
  /**
   * calico-node: calico-system when installed by the tigera-operator (kind/calico-vpp), kube-system with the manifest
   * install (manifests/calico.yaml@v3.31.0: the other kind Calico profiles).
   */
  calicoNode: { namespaces: ['calico-system', 'kube-system'], selector: 'k8s-app=calico-node', container: 'calico-node' },
  kubeProxy: { namespace: 'kube-system', selector: 'k8s-app=kube-proxy' },
  /** kube-flannel.yml: DaemonSet kube-flannel/kube-flannel-ds, pods labelled app=flannel. */
  flannel: { namespace: 'kube-flannel', selector: 'app=flannel', container: 'kube-flannel' },
  /** calico-vpp-kind.yaml: DaemonSet calico-vpp-dataplane/calico-vpp-node; VPP's CLI is in container vpp. */
  calicoVppNode: { namespace: 'calico-vpp-dataplane', selector: 'k8s-app=calico-vpp-node', container: 'vpp' },
} as const;

export async function ciliumAgentPods(kube: KubeActions): Promise<PodHandle[]> {
  const { namespace, selector, container } = systemPods.ciliumAgent;
  return kube.pods(namespace, selector, container);
}

/** calico-node pods from the first namespace that has any (operator install first; a manifest install has none there). */
export async function calicoNodePods(kube: KubeActions): Promise<PodHandle[]> {
  const { namespaces, selector, container } = systemPods.calicoNode;
  for (const namespace of namespaces) {
    const pods = await kube.pods(namespace, selector, container);
    if (pods.length > 0) return pods;
  }
  return [];
}
