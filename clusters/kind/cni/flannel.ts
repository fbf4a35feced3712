import { versions } from '../../../versions.ts';
import { contextName, kubeconfigPath } from '../naming.ts';
import type { Command, FlannelInstall } from '../types.ts';

export const kubeFlannelUrl =
  `https://github.com/flannel-io/flannel/releases/download/${versions.flannel.release}/kube-flannel.yml`;
/** Names inside kube-flannel.yml that our net-conf override targets (checked against the upstream copy in tests). */
export const flannelNamespace = 'kube-flannel';
export const flannelConfigMap = 'kube-flannel-cfg';
export const flannelDaemonSet = 'kube-flannel-ds';

export const cniPluginsArchive = (arch: string) =>
  `https://github.com/containernetworking/plugins/releases/download/${versions.cniPlugins}/cni-plugins-linux-${arch}-${versions.cniPlugins}.tgz`;

/** Our ConfigMap override: only net-conf.json differs from upstream's (cni-conf.json is kept as shipped). */
export function flannelNetConfPatch(install: FlannelInstall): Record<string, unknown> {
  return { data: { 'net-conf.json': `${JSON.stringify(install.netConf, null, 2)}\n` } };
}

export function flannelPatchFile(cluster: string): string {
  return `flannel/${cluster}-net-conf-patch.yaml`;
}

function kubectl(cluster: string, args: string[], why: string): Command {
  return { tool: 'kubectl', args: ['--kubeconfig', kubeconfigPath(cluster), '--context', contextName(cluster), ...args], why };
}

/** Upstream manifest, our net-conf, restart so every pod reads it, wait for the rollout. */
export function flannelInstallCommands(cluster: string, install: FlannelInstall): Command[] {
  const ns = ['-n', flannelNamespace];
  return [
    kubectl(cluster, ['apply', '-f', kubeFlannelUrl], `install flannel ${versions.flannel.release} on ${cluster}`),
    kubectl(cluster, [...ns, 'patch', 'configmap', flannelConfigMap, '--type', 'merge', '--patch-file', flannelPatchFile(cluster)],
      `set the flannel backend to ${install.netConf.Backend.Type} on ${cluster}`),
    kubectl(cluster, [...ns, 'rollout', 'restart', `daemonset/${flannelDaemonSet}`], `restart flannel with the new net-conf on ${cluster}`),
    kubectl(cluster, [...ns, 'rollout', 'status', `daemonset/${flannelDaemonSet}`, '--timeout', '300s'], `wait for flannel ready on ${cluster}`),
  ];
}
