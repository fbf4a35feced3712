import { stringify } from 'yaml';
import { versions } from '../../../versions.ts';
import { requireIpv4Gateway } from '../kind-network.ts';
import { contextName, kubeconfigPath } from '../naming.ts';
import type { CalicoInstall, CalicoResource, Command } from '../types.ts';

const calicoManifests = `https://raw.githubusercontent.com/projectcalico/calico/${versions.calico.release}/manifests`;
export const operatorCrdsUrl = `${calicoManifests}/operator-crds.yaml`;
export const tigeraOperatorUrl = `${calicoManifests}/tigera-operator.yaml`;
export const calicoVppKindUrl =
  `https://raw.githubusercontent.com/projectcalico/vpp-dataplane/${versions.calicoVpp.release}/yaml/generated/calico-vpp-kind.yaml`;

/**
 * calico-vpp-kind.yaml with the kind network's gateway: upstream hard-codes 172.18.0.1 (the gateway Docker usually
 * gives the first user network) as the host DNS target in CALICOVPP_INITIAL_CONFIG redirectToHostRules
 * (vpp-dataplane yaml/generated/calico-vpp-kind.yaml@v3.32.0). A kustomization over the pinned manifest patches that
 * key before anything is applied (https resources load as files: see flannelFiles in flannel.ts).
 */
export function calicoVppFiles(cluster: string, gateway: string | undefined): Record<string, string> {
  const kindGateway = requireIpv4Gateway(gateway === undefined ? undefined : { subnets: [], ipv4Gateway: gateway }, `failed to plan calico-vpp on ${cluster}`);
  const dir = calicoVppKustomizeDir(cluster);
  const initialConfig = {
    vppStartupSleepSeconds: 1,
    corePattern: '/var/lib/vpp/vppcore.%e.%p',
    redirectToHostRules: [
      { proto: 'udp', port: 53, ip: kindGateway },
      { proto: 'tcp', port: 53, ip: kindGateway },
    ],
  };
  return {
    [`${dir}/kustomization.yaml`]: stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [calicoVppKindUrl],
      patches: [{ path: 'gateway.yaml' }],
    }),
    [`${dir}/gateway.yaml`]: stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: calicoVppConfigMap, namespace: calicoVppNamespace },
      data: { CALICOVPP_INITIAL_CONFIG: JSON.stringify(initialConfig, null, 2) },
    }),
  };
}

export const calicoVppNamespace = 'calico-vpp-dataplane';
export const calicoVppConfigMap = 'calico-vpp-config';
export const calicoVppKustomizeDir = (cluster: string) => `calico/${cluster}-vpp`;

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
    commands.push(kubectl(cluster, ['create', '-k', calicoVppKustomizeDir(cluster)], `install calico-vpp ${versions.calicoVpp.release} on ${cluster}`));
  }
  // The operator creates tigerastatus/calico some time after the Installation (its CRD tigerastatuses.operator.tigera.io
  // comes with manifests/operator-crds.yaml@v3.32.1); until then `kubectl wait --for condition` exits NotFound.
  // `--for=create` (kubectl >= 1.31: kubernetes/kubectl pkg/cmd/wait/wait.go@v0.31.0) polls every 0.5 s until the
  // object exists, NotFound counting as "not yet" (RunWaitContext@v0.36.0).
  commands.push(
    kubectl(cluster, ['wait', '--for=create', '--timeout', '600s', 'tigerastatus/calico'], `wait for the operator to create tigerastatus/calico on ${cluster}`),
    kubectl(cluster, ['wait', '--for', 'condition=Available', '--timeout', '600s', 'tigerastatus/calico'],
      `wait for Calico available on ${cluster}`, { retrySeconds: 600 }),
  );
  return commands;
}
