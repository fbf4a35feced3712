import { stringify } from 'yaml';
import { versions } from '../../../versions.ts';
import { requireIpv4Gateway } from '../kind-network.ts';
import { contextName, kubeconfigPath } from '../naming.ts';
import type { CalicoInstall, CalicoManifestInstall, CalicoResource, CalicoVppInstall, Command } from '../types.ts';

const calicoManifests = (release: string) => `https://raw.githubusercontent.com/projectcalico/calico/${release}/manifests`;
const vppCalico = versions.calicoVpp.calico;
export const operatorCrdsUrl = `${calicoManifests(vppCalico.release)}/operator-crds.yaml`;
export const tigeraOperatorUrl = `${calicoManifests(vppCalico.release)}/tigera-operator.yaml`;

/**
 * The manifest a manifest install applies, by calico-node's backend. calico-vxlan.yaml is calico.yaml with ConfigMap
 * calico-config calico_backend "vxlan" and without `-bird-live`/`-bird-ready` in calico-node's probes (both files at
 * manifests/@v3.31.0; they differ in those lines and the default pool's env, which NO_DEFAULT_POOLS makes moot).
 */
export const calicoManifestFile = (backend: CalicoManifestInstall['backend']): string => (backend === 'bird' ? 'calico.yaml' : 'calico-vxlan.yaml');
export const calicoManifestUrl = (backend: CalicoManifestInstall['backend']): string =>
  `${calicoManifests(versions.calico.release)}/${calicoManifestFile(backend)}`;

/**
 * A Calico image as its manifests and the operator name it: registry "quay.io/", path "calico/" (manifests/calico.yaml@v3.31.0;
 * operator pkg/components/images.go@v1.42.3:18,30).
 */
export const calicoImage = (image: string, tag: string = versions.calico.release): string => `quay.io/calico/${image}:${tag}`;
/** The images calico.yaml and calico-vxlan.yaml@v3.31.0 run (checked against the upstream copies in tests). */
export const calicoManifestImages = ['cni', 'node', 'kube-controllers'].map((image) => calicoImage(image));
export const calicoManifestUrls = [calicoManifestUrl('bird'), calicoManifestUrl('vxlan')];
/** Namespace and names of calico.yaml@v3.31.0's calico-node DaemonSet and kube-controllers Deployment (checked in tests). */
export const calicoNamespace = 'kube-system';
export const calicoNodeDaemonSet = 'calico-node';
export const calicoKubeControllers = 'calico-kube-controllers';
/** The kustomization's resource when the manifest was built here (local-copies.ts): beside the kustomization. */
export const localCalicoManifest = 'calico.yaml';

/**
 * The manifest rendered before anything reaches the cluster: a kustomization over the pinned manifest (or the local copy
 * `npm run images` took from the calico module) with calico-node's env NO_DEFAULT_POOLS=true. Without it calico-node
 * creates default-ipv4-ippool at startup from CALICO_IPV4POOL_* (node/pkg/lifecycle/startup/startup.go@v3.31.0:907
 * configureIPPools), with IPIP Always in calico.yaml; the profile's own pools come through calicoctl instead.
 */
export function calicoManifestFiles(cluster: string, install: CalicoManifestInstall, localManifest?: string): Record<string, string> {
  const dir = calicoKustomizeDir(cluster);
  return {
    [`${dir}/kustomization.yaml`]: stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [localManifest === undefined ? calicoManifestUrl(install.backend) : localCalicoManifest],
      patches: [{ path: 'no-default-pools.yaml' }],
    }),
    [`${dir}/no-default-pools.yaml`]: stringify({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: calicoNodeDaemonSet, namespace: calicoNamespace },
      spec: { template: { spec: { containers: [{ name: 'calico-node', env: [{ name: 'NO_DEFAULT_POOLS', value: 'true' }] }] } } },
    }),
    ...(localManifest === undefined ? {} : { [`${dir}/${localCalicoManifest}`]: localManifest }),
  };
}

export const calicoKustomizeDir = (cluster: string) => `calico/${cluster}`;
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

/** The operator's Installation (calico-vpp): pools are managed by us (ipPools: [] tells the operator to create none). */
export function installationResource(install: CalicoVppInstall): Record<string, unknown> {
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

/** Our pools/BGP resources through calicoctl (the CRDs must exist first), then calico-vpp's or the manifest's own waits. */
export function calicoInstallCommands(cluster: string, install: CalicoInstall): Command[] {
  return install.vpp ? calicoVppInstallCommands(cluster, install) : calicoManifestInstallCommands(cluster, install);
}

function calicoctlApply(cluster: string, install: CalicoInstall): Command {
  return {
    tool: 'calicoctl',
    args: ['apply', '-f', calicoFiles(cluster).resources, '--allow-version-mismatch'],
    env: { DATASTORE_TYPE: 'kubernetes', KUBECONFIG: kubeconfigPath(cluster) },
    why: `create ${install.resources.map((r) => `${r.kind}/${r.name}`).join(', ')} on ${cluster}`,
    retrySeconds: 120,
  };
}

/**
 * The rendered manifest (kubectl create: the cluster is new, and a name already taken fails loudly), our resources once the
 * IPPool CRD is established, then calico-node on every node and kube-controllers ready. `rollout status` on a DaemonSet
 * waits until every scheduled pod is updated and available (k8s.io/kubectl pkg/polymorphichelpers/rollout_status.go@v0.36.0
 * DaemonSetStatusViewer); calico-node is ready once felix is and, with BIRD, once every BGP peer it has is Established
 * (node/pkg/health/health.go@v3.31.0:180 checkBIRDReady, behind -bird-ready).
 */
function calicoManifestInstallCommands(cluster: string, install: CalicoManifestInstall): Command[] {
  return [
    kubectl(cluster, ['create', '-k', calicoKustomizeDir(cluster)], `install Calico ${versions.calico.release} (${calicoManifestFile(install.backend)}) on ${cluster}`),
    kubectl(cluster, ['wait', '--for', 'condition=established', '--timeout', '120s', 'crd/ippools.crd.projectcalico.org'],
      `wait for the IPPool CRD on ${cluster}`),
    calicoctlApply(cluster, install),
    kubectl(cluster, ['-n', calicoNamespace, 'rollout', 'status', `daemonset/${calicoNodeDaemonSet}`, '--timeout', '600s'],
      `wait for calico-node ready on every node of ${cluster}`),
    kubectl(cluster, ['-n', calicoNamespace, 'rollout', 'status', `deployment/${calicoKubeControllers}`, '--timeout', '300s'],
      `wait for calico-kube-controllers on ${cluster}`),
  ];
}

/** Operator CRDs + operator, our Installation, our pools through calicoctl, calico-vpp, then wait for tigerastatus. */
function calicoVppInstallCommands(cluster: string, install: CalicoVppInstall): Command[] {
  const files = calicoFiles(cluster);
  const commands: Command[] = [
    kubectl(cluster, ['create', '-f', operatorCrdsUrl], `install Calico ${vppCalico.release} CRDs on ${cluster}`),
    kubectl(cluster, ['create', '-f', tigeraOperatorUrl], `install tigera-operator ${vppCalico.operator} on ${cluster}`),
    kubectl(cluster, ['wait', '--for', 'condition=established', '--timeout', '120s', 'crd/installations.operator.tigera.io'],
      `wait for the Installation CRD on ${cluster}`),
    calicoctlApply(cluster, install),
    kubectl(cluster, ['create', '-f', files.installation], `create the Calico Installation on ${cluster}`),
    kubectl(cluster, ['create', '-k', calicoVppKustomizeDir(cluster)], `install calico-vpp ${versions.calicoVpp.release} on ${cluster}`),
  ];
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
