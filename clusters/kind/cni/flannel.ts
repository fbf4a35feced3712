import { stringify } from 'yaml';
import { versions } from '../../../versions.ts';
import { contextName, kubeconfigPath } from '../naming.ts';
import type { Command, FlannelInstall } from '../types.ts';

export const kubeFlannelUrl =
  `https://github.com/flannel-io/flannel/releases/download/${versions.flannel.release}/kube-flannel.yml`;
/** flannel's two images as kube-flannel.yml names them (Documentation/kube-flannel.yml@v0.28.9:136,147,160). */
export const flannelImages = {
  cniPlugin: `ghcr.io/flannel-io/flannel-cni-plugin:${versions.flannel.cniPlugin}`,
  flannel: `ghcr.io/flannel-io/flannel:${versions.flannel.release}`,
} as const;
/** Names inside kube-flannel.yml that our net-conf override targets (checked against the upstream copy in tests). */
export const flannelNamespace = 'kube-flannel';
export const flannelConfigMap = 'kube-flannel-cfg';
export const flannelDaemonSet = 'kube-flannel-ds';

export const cniPluginsArchive = (arch: string) =>
  `https://github.com/containernetworking/plugins/releases/download/${versions.cniPlugins}/cni-plugins-linux-${arch}-${versions.cniPlugins}.tgz`;

/**
 * flannel's manifest rendered with our net-conf.json before anything reaches the cluster: a kustomization over the
 * pinned release manifest plus a strategic-merge patch of kube-flannel-cfg (only net-conf.json differs; cni-conf.json
 * stays as shipped). Patching the live ConfigMap after the vxlan default is not enough: flanneld has already made
 * flannel.1 and never removes it (pkg/backend/vxlan/device.go@v0.28.9 ensureLink only creates, reuses or recreates the
 * vxlan link; the host-gw backend has no code that deletes it).
 * kubectl apply -k loads an https resource as a file: kustomize api/internal/target/kusttarget.go@api/v0.21.1 accumulateResources
 * tries each resource as a file first, and api/internal/loader/fileloader.go fetches http(s) paths (redirects followed).
 */
export function flannelFiles(cluster: string, install: FlannelInstall, localManifest?: string): Record<string, string> {
  const dir = flannelKustomizeDir(cluster);
  return {
    [`${dir}/kustomization.yaml`]: stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [localManifest === undefined ? kubeFlannelUrl : localKubeFlannel],
      patches: [{ path: 'net-conf.yaml' }],
    }),
    [`${dir}/net-conf.yaml`]: stringify(flannelNetConfPatch(install)),
    ...(localManifest === undefined ? {} : { [`${dir}/${localKubeFlannel}`]: localManifest }),
  };
}

/**
 * The kustomization's resource when `localManifest` (flannelFiles' third argument) is given: kube-flannel.yml as
 * `npm run images` rendered it from the flannel module (localSources([kubeFlannelUrl]) finds it), beside the
 * kustomization, for machines that reach no release download. Without it the release URL, as on a user's laptop.
 */
export const localKubeFlannel = 'kube-flannel.yml';

/** The kube-flannel-cfg ConfigMap as a strategic-merge patch: net-conf.json replaced, the other keys kept. */
export function flannelNetConfPatch(install: FlannelInstall): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: flannelConfigMap, namespace: flannelNamespace },
    data: { 'net-conf.json': `${JSON.stringify(install.netConf, null, 2)}\n` },
  };
}

export function flannelKustomizeDir(cluster: string): string {
  return `flannel/${cluster}`;
}

function kubectl(cluster: string, args: string[], why: string): Command {
  return { tool: 'kubectl', args: ['--kubeconfig', kubeconfigPath(cluster), '--context', contextName(cluster), ...args], why };
}

/** The rendered manifest (our net-conf from the first pod on), then wait for the rollout. */
export function flannelInstallCommands(cluster: string, install: FlannelInstall): Command[] {
  return [
    kubectl(cluster, ['apply', '-k', flannelKustomizeDir(cluster)],
      `install flannel ${versions.flannel.release} with the ${install.netConf.Backend.Type} backend on ${cluster}`),
    kubectl(cluster, ['-n', flannelNamespace, 'rollout', 'status', `daemonset/${flannelDaemonSet}`, '--timeout', '300s'], `wait for flannel ready on ${cluster}`),
  ];
}
