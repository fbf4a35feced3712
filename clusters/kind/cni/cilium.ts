import { versions } from '../../../versions.ts';
import { contextName, kubeconfigPath } from '../naming.ts';
import type { CiliumInstall, Command, KindClusterSpec } from '../types.ts';

export const ciliumChartRepo = 'https://helm.cilium.io/';

/** The images the chart runs with `image.useDigest=false` and `operator.image.useDigest=false` (values.yaml@v1.20.0:249-254,3239-3251). */
export const ciliumImages = {
  agent: `quay.io/cilium/cilium:v${versions.cilium.chart}`,
  operator: `quay.io/cilium/operator-generic:v${versions.cilium.chart}`,
} as const;

/** The agent DaemonSet (`name: {{ .Values.name }}`, default "cilium": templates/cilium-agent/daemonset.yaml@v1.20.0:19, values.yaml@v1.20.0:224) and the operator Deployment (templates/cilium-operator/deployment.yaml@v1.20.0:6), in the release's namespace. */
export const ciliumAgentDaemonSet = 'cilium';
export const ciliumOperatorDeployment = 'cilium-operator';

/**
 * The chart's capability lists (values.yaml@v1.20.0:363-396 ciliumAgent, 413-430 cleanCiliumState) without SYS_RESOURCE:
 * a podman kind node holds no CAP_SYS_RESOURCE, and runc refuses a container asking for it ("unable to apply caps",
 * images/from-source/cilium.md). Cilium on kernels >= 5.11 charges BPF memory to the memory cgroup, not RLIMIT_MEMLOCK.
 */
const agentCapabilities = ['CHOWN', 'KILL', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'SYS_MODULE', 'SYS_ADMIN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID', 'SYSLOG'];
const cleanStateCapabilities = ['NET_ADMIN', 'SYS_MODULE', 'SYS_ADMIN'];

/**
 * Values the images built here need (images/from-source/cilium.md): tags instead of digests, no Envoy (not built: the
 * agent's in-process L7 proxy off with `l7Proxy`, values.yaml@v1.20.0:2449, and no cilium-envoy DaemonSet with
 * `envoy.enabled`, values.yaml@v1.20.0:2741), one operator, and the capability lists without SYS_RESOURCE.
 */
export const localBuildValues: Record<string, unknown> = {
  image: { useDigest: false },
  operator: { replicas: 1, image: { useDigest: false } },
  l7Proxy: false,
  envoy: { enabled: false },
  securityContext: { capabilities: { ciliumAgent: agentCapabilities, cleanCiliumState: cleanStateCapabilities } },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `b` over `a`, objects merged key by key, lists and scalars replaced (as helm merges -f files). */
export function mergeValues(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObject(v) && isObject(out[k]) ? mergeValues(out[k], v) : v;
  return out;
}

/**
 * Values as installed: the profile's, plus what follows from kind (API server address when kube-proxy is absent), plus
 * localBuildValues when the chart and images were built here.
 */
export function ciliumValues(cluster: string, spec: KindClusterSpec, install: CiliumInstall, localBuild = false): Record<string, unknown> {
  const values: Record<string, unknown> = { ...install.values };
  if (spec.networking.kubeProxyMode === 'none') {
    // Without kube-proxy the agent cannot reach the API through the kubernetes Service; kind's control plane answers here.
    values['k8sServiceHost'] = `${cluster}-control-plane`;
    values['k8sServicePort'] = 6443;
  }
  return localBuild ? mergeValues(values, localBuildValues) : values;
}

export function ciliumValuesFile(cluster: string): string {
  return `cilium/${cluster}-values.yaml`;
}

function kubectl(cluster: string, args: string[], why: string): Command {
  return { tool: 'kubectl', args: ['--kubeconfig', kubeconfigPath(cluster), '--context', contextName(cluster), ...args], why };
}

/**
 * helm install of the pinned chart (the local folder `npm run images` copied from the cilium module, else the
 * repository), then the agent on every node and the operator. `rollout status` on a DaemonSet waits until every
 * scheduled pod is updated and available (k8s.io/kubectl pkg/polymorphichelpers/rollout_status.go@v0.36.0); the agent
 * is ready once its /healthz answers (templates/cilium-agent/daemonset.yaml@v1.20.0:175-190 readinessProbe).
 */
export function ciliumInstallCommands(cluster: string, chartDir?: string): Command[] {
  const chart = chartDir === undefined ? ['cilium', '--repo', ciliumChartRepo, '--version', versions.cilium.chart] : [chartDir];
  return [
    {
      tool: 'helm',
      args: [
        'install', 'cilium', ...chart, '--namespace', 'kube-system', '-f', ciliumValuesFile(cluster),
        '--kubeconfig', kubeconfigPath(cluster), '--kube-context', contextName(cluster), '--timeout', '10m',
      ],
      why: `install Cilium ${versions.cilium.chart} on ${cluster}${chartDir === undefined ? '' : ' (chart folder of the cilium module)'}`,
    },
    kubectl(cluster, ['-n', 'kube-system', 'rollout', 'status', `daemonset/${ciliumAgentDaemonSet}`, '--timeout', '600s'],
      `wait for the Cilium agent ready on every node of ${cluster}`),
    kubectl(cluster, ['-n', 'kube-system', 'rollout', 'status', `deployment/${ciliumOperatorDeployment}`, '--timeout', '300s'],
      `wait for cilium-operator on ${cluster}`),
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
