import { versions } from '../../../versions.ts';
import { contextName, kubeconfigPath } from '../naming.ts';
import type { CalicoInstall, CalicoResource, Command } from '../types.ts';

const calicoManifests = `https://raw.githubusercontent.com/projectcalico/calico/${versions.calico.release}/manifests`;
export const operatorCrdsUrl = `${calicoManifests}/operator-crds.yaml`;
export const tigeraOperatorUrl = `${calicoManifests}/tigera-operator.yaml`;
export const calicoVppKindUrl =
  `https://raw.githubusercontent.com/projectcalico/vpp-dataplane/${versions.calicoVpp.release}/yaml/generated/calico-vpp-kind.yaml`;

/** The operator's Installation: pools are managed by us (ipPools: [] tells the operator to create none). */
export function installationResource(install: CalicoInstall): Record<string, unknown> {
  return {
    apiVersion: 'operator.tigera.io/v1',
    kind: 'Installation',
    metadata: { name: 'default' },
    spec: { calicoNetwork: { ...install.calicoNetwork, ipPools: [] } },
  };
}

/** A Calico resource in the projectcalico.org/v3 form calicoctl applies. */
export function calicoObject(resource: CalicoResource): Record<string, unknown> {
  return { apiVersion: 'projectcalico.org/v3', kind: resource.kind, metadata: { name: resource.name }, spec: resource.spec };
}

export const calicoFiles = (cluster: string) => ({
  installation: `calico/${cluster}-installation.yaml`,
  resources: `calico/${cluster}-resources.yaml`,
});

function kubectl(cluster: string, args: string[], why: string, extra: Partial<Command> = {}): Command {
  return { tool: 'kubectl', args: ['--kubeconfig', kubeconfigPath(cluster), '--context', contextName(cluster), ...args], why, ...extra };
}

/** Operator CRDs + operator, our Installation, our pools/BGP resources through calicoctl, then wait for tigerastatus. */
export function calicoInstallCommands(cluster: string, install: CalicoInstall): Command[] {
  const files = calicoFiles(cluster);
  const commands: Command[] = [
    kubectl(cluster, ['create', '-f', operatorCrdsUrl], `install Calico ${versions.calico.release} CRDs on ${cluster}`),
    kubectl(cluster, ['create', '-f', tigeraOperatorUrl], `install tigera-operator ${versions.calico.release} on ${cluster}`),
    kubectl(cluster, ['wait', '--for', 'condition=established', '--timeout', '120s', 'crd/installations.operator.tigera.io'],
      `wait for the Installation CRD on ${cluster}`),
    {
      tool: 'calicoctl',
      args: ['apply', '-f', files.resources, '--allow-version-mismatch'],
      env: { DATASTORE_TYPE: 'kubernetes', KUBECONFIG: kubeconfigPath(cluster) },
      why: `create ${install.resources.map((r) => `${r.kind}/${r.name}`).join(', ')} on ${cluster}`,
      retrySeconds: 120,
    },
    kubectl(cluster, ['create', '-f', files.installation], `create the Calico Installation on ${cluster}`),
  ];
  if (install.vpp) {
    commands.push(kubectl(cluster, ['create', '-f', calicoVppKindUrl], `install calico-vpp ${versions.calicoVpp.release} on ${cluster}`));
  }
  commands.push(kubectl(cluster, ['wait', '--for', 'condition=Available', '--timeout', '600s', 'tigerastatus/calico'],
    `wait for Calico available on ${cluster}`, { retrySeconds: 600 }));
  return commands;
}
