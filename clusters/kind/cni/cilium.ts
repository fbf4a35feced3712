import { versions } from '../../../versions.ts';
import { contextName, kubeconfigPath } from '../naming.ts';
import type { CiliumInstall, Command, KindClusterSpec } from '../types.ts';

export const ciliumChartRepo = 'https://helm.cilium.io/';

/** Values as installed: the profile's, plus what follows from kind (API server address when kube-proxy is absent). */
export function ciliumValues(cluster: string, spec: KindClusterSpec, install: CiliumInstall): Record<string, unknown> {
  const values: Record<string, unknown> = { ...install.values };
  if (spec.networking.kubeProxyMode === 'none') {
    // Without kube-proxy the agent cannot reach the API through the kubernetes Service; kind's control plane answers here.
    values['k8sServiceHost'] = `${cluster}-control-plane`;
    values['k8sServicePort'] = 6443;
  }
  return values;
}

export function ciliumValuesFile(cluster: string): string {
  return `cilium/${cluster}-values.yaml`;
}

/** helm install of the pinned chart, then wait for cilium-cli to report every component ready. */
export function ciliumInstallCommands(cluster: string): Command[] {
  const kubeconfig = kubeconfigPath(cluster);
  return [
    {
      tool: 'helm',
      args: [
        'install', 'cilium', 'cilium', '--repo', ciliumChartRepo, '--version', versions.cilium.chart,
        '--namespace', 'kube-system', '-f', ciliumValuesFile(cluster),
        '--kubeconfig', kubeconfig, '--kube-context', contextName(cluster), '--wait', '--timeout', '10m',
      ],
      why: `install Cilium ${versions.cilium.chart} on ${cluster}`,
    },
    {
      tool: 'cilium',
      args: ['status', '--context', contextName(cluster), '--wait', '--wait-duration', '10m'],
      env: { KUBECONFIG: kubeconfig },
      why: `wait for Cilium ready on ${cluster}`,
    },
  ];
}

/** Share cluster 1's CA with cluster 2 before its install, as Cilium's clustermesh CI does (the chart reuses an existing cilium-ca). */
export function copyCiliumCa(from: string, to: string): Command {
  return {
    tool: 'kubectl',
    args: ['--kubeconfig', kubeconfigPath(to), '--context', contextName(to), 'apply', '-f', '-'],
    stdinFrom: {
      tool: 'kubectl',
      args: ['--kubeconfig', kubeconfigPath(from), '--context', contextName(from), '-n', 'kube-system', 'get', 'secret', 'cilium-ca', '-o', 'yaml'],
      why: `read cilium-ca from ${from}`,
    },
    why: `share the Cilium CA of ${from} with ${to}`,
  };
}

/** Connect two clusters and wait until each sees the other. */
export function clustermeshConnectCommands(a: string, b: string): Command[] {
  const env = { KUBECONFIG: `${kubeconfigPath(a)}:${kubeconfigPath(b)}` };
  return [
    {
      tool: 'cilium',
      args: ['clustermesh', 'connect', '--context', contextName(a), '--destination-context', contextName(b)],
      env,
      why: `connect clustermesh ${a} <-> ${b}`,
    },
    {
      tool: 'cilium',
      args: ['clustermesh', 'status', '--context', contextName(a), '--wait', '--wait-duration', '10m'],
      env,
      why: `wait for clustermesh connected on ${a}`,
    },
    {
      tool: 'cilium',
      args: ['clustermesh', 'status', '--context', contextName(b), '--wait', '--wait-duration', '10m'],
      env,
      why: `wait for clustermesh connected on ${b}`,
    },
  ];
}
