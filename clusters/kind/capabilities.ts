import type { Capabilities, ExecResult, NodeHandle } from '../types.ts';
import { readOnlyProbe } from './kernel-probe.ts';

/** Image tag of a container image reference ("quay.io/cilium/cilium:v1.20.0@sha256:..." -> "1.20.0"). */
export function imageVersion(image: string): string | undefined {
  const tag = /:([^:@/]+)(@sha256:[0-9a-f]+)?$/.exec(image)?.[1];
  return tag?.replace(/^v/, '');
}

/** Which CNI runs, from the DaemonSets of kube-system/calico-system/kube-flannel: "<namespace>/<name> <image>" lines. */
export function detectCni(daemonSets: string): { cni: Capabilities['cni']; versions: Record<string, string> } {
  const lines = daemonSets.split('\n').map((l) => l.trim()).filter(Boolean);
  const find = (re: RegExp) => lines.find((l) => re.test(l.split(' ')[0] ?? ''));
  const versionOf = (line: string | undefined) => imageVersion(line?.split(' ')[1] ?? '');
  const cilium = find(/\/cilium$/);
  if (cilium) return { cni: 'cilium', versions: { cilium: versionOf(cilium) ?? 'unknown' } };
  const calico = find(/\/calico-node$/);
  if (calico) {
    const vpp = find(/calico-vpp-dataplane\/calico-vpp-node$/);
    return { cni: 'calico', versions: { calico: versionOf(calico) ?? 'unknown', ...(vpp ? { calicoVpp: versionOf(vpp) ?? 'unknown' } : {}) } };
  }
  const flannel = find(/\/kube-flannel-ds$/);
  if (flannel) return { cni: 'flannel', versions: { flannel: versionOf(flannel) ?? 'unknown' } };
  return { cni: 'none', versions: {} };
}


/** kubectl jsonpath that prints the "<namespace>/<name> <first image>" lines detectCni reads. */
export const daemonSetJsonPath =
  '{range .items[*]}{.metadata.namespace}/{.metadata.name} {.spec.template.spec.containers[0].image}{"\\n"}{end}';

/**
 * The one vocabulary of datapath features on kind/attach clusters: what each means and where it is read.
 * Requirements (suites/requirements.ts `feature`) name these; detection below is the only source.
 */
export const kindFeatures = {
  'kube-proxy': 'DaemonSet kube-system/kube-proxy exists',
  'kube-proxy-replacement': 'cilium-config kube-proxy-replacement "true" (1.11-era "strict")',
  'bpf-masquerade': 'cilium-config enable-bpf-masquerade "true"',
  'bpf-host-routing': 'cilium-config: enable-host-legacy-routing not "true", KPR/node-port on, and BPF masquerade unless IPv4 masquerade is off (what the agent needs before it tries BPF host routing)',
  'legacy-host-routing': 'cilium-config: any of the bpf-host-routing conditions unmet (the agent falls back, or is told to)',
  'vxlan': 'cilium-config routing-mode tunnel + tunnel-protocol vxlan; an enabled Calico IPPool with vxlanMode Always/CrossSubnet; or a cilium_vxlan/vxlan.calico/flannel.1 link on a node',
  'geneve': 'cilium-config routing-mode tunnel + tunnel-protocol geneve',
  'native-routing': 'cilium-config routing-mode native (1.13-era: tunnel "disabled")',
  'auto-direct-node-routes': 'cilium-config auto-direct-node-routes "true"',
  'dsr': 'cilium-config bpf-lb-mode "dsr"',
  'clustermesh': 'cilium-config cluster-id not 0, and Deployment kube-system/clustermesh-apiserver exists',
  'cilium-host': 'a cilium_host link on a node',
  'bird': 'calico-node runs BIRD: Installation spec.calicoNetwork.bgp not "Disabled"; without an Installation, CALICO_NETWORKING_BACKEND (env or calico-config calico_backend) "bird"',
  'bgp-mesh': 'BIRD runs and BGPConfiguration default nodeToNodeMeshEnabled is not false (absent = true)',
  'route-reflector': 'BIRD runs, nodeToNodeMeshEnabled false, and a BGPPeer with a peerSelector',
  'ipip': 'an enabled Calico IPPool with ipipMode Always/CrossSubnet',
  'ipip-device': 'a tunl0 ipip link on a node',
  'calico-ipam': 'at least one enabled Calico IPPool',
  'ippool-migration': 'a disabled Calico IPPool next to an enabled one',
  'calico-gateway': 'a caliXXXXXXXXXXX host veth on a node',
  'vpp': 'a DaemonSet in namespace calico-vpp-dataplane',
} as const;

export type KindFeature = keyof typeof kindFeatures;

/** The data map of `kubectl -n kube-system get configmap cilium-config -o json`. */
export function configMapData(json: string): Record<string, string> {
  const parsed = JSON.parse(json) as { data?: Record<string, string> };
  return parsed.data ?? {};
}

/** Features the Cilium agent is configured for, from cilium-config keys (names as the chart's cilium-configmap.yaml writes them). */
export function ciliumConfigFeatures(data: Record<string, string>, clustermeshApiserver = false): KindFeature[] {
  const on = (key: string) => data[key] === 'true';
  const features = new Set<KindFeature>();
  const kpr = data['kube-proxy-replacement'] === 'true' || data['kube-proxy-replacement'] === 'strict';
  if (kpr) features.add('kube-proxy-replacement');
  if (on('enable-bpf-masquerade')) features.add('bpf-masquerade');
  const ipv4Masquerade = data['enable-ipv4-masquerade'] !== 'false';
  const nodePort = kpr || on('enable-node-port');
  const bpfHostRouting = !on('enable-host-legacy-routing') && nodePort && (on('enable-bpf-masquerade') || !ipv4Masquerade);
  features.add(bpfHostRouting ? 'bpf-host-routing' : 'legacy-host-routing');
  const legacyTunnel = data['tunnel'];
  const mode = data['routing-mode'] ?? (legacyTunnel === undefined ? undefined : legacyTunnel === 'disabled' ? 'native' : 'tunnel');
  const protocol = data['tunnel-protocol'] ?? (legacyTunnel && legacyTunnel !== 'disabled' ? legacyTunnel : 'vxlan');
  if (mode === 'tunnel' && protocol === 'vxlan') features.add('vxlan');
  if (mode === 'tunnel' && protocol === 'geneve') features.add('geneve');
  if (mode === 'native') features.add('native-routing');
  if (on('auto-direct-node-routes')) features.add('auto-direct-node-routes');
  if (data['bpf-lb-mode'] === 'dsr') features.add('dsr');
  const clusterId = Number(data['cluster-id'] ?? '0');
  if (clusterId > 0 && clustermeshApiserver) features.add('clustermesh');
  return [...features];
}

interface CalicoList { items?: Array<{ metadata?: { name?: string }; spec?: Record<string, unknown> }> }

/** Calico inputs, each the JSON text of a kubectl/calicoctl get (undefined when the resource is absent). */
export interface CalicoInputs {
  /** installations.operator.tigera.io default. */
  installation?: string;
  /** BGPConfiguration default. */
  bgpConfiguration?: string;
  /** BGPPeer list. */
  bgpPeers?: string;
  /** IPPool list. */
  ipPools?: string;
  /** Manifest installs: the calico-config ConfigMap (calico_backend). */
  calicoConfig?: string;
  /** Manifest installs: the calico-node DaemonSet (CALICO_NETWORKING_BACKEND env). */
  calicoNodeDaemonSet?: string;
}

/** Where calico-node's networking backend was read, and its value; bird is the only one that runs BIRD. */
export interface CalicoBackend { backend?: string; source: string; unparsed: string[] }

interface EnvVar { name?: string; value?: string; valueFrom?: { configMapKeyRef?: { name?: string; key?: string } } }
interface DaemonSetJson { spec?: { template?: { spec?: { containers?: Array<{ name?: string; env?: EnvVar[] }> } } } }

const knownBackends = ['bird', 'vxlan', 'none'];

/**
 * calico-node's backend. With the operator (kind/calico-vpp), Installation calicoNetwork.bgp (Disabled = no BIRD). Without it
 * (a manifest install: the other kind Calico profiles), calico-node's CALICO_NETWORKING_BACKEND, which manifests/calico.yaml and
 * calico-vxlan.yaml@v3.31.0 take from the calico-config ConfigMap key calico_backend ("bird" / "vxlan"); a literal env value
 * wins. Nothing found: unknown, never assumed to be BIRD.
 */
export function calicoBackend(inputs: CalicoInputs): CalicoBackend {
  const unparsed: string[] = [];
  if (inputs.installation) {
    const network = ((JSON.parse(inputs.installation) as { spec?: Record<string, unknown> }).spec?.['calicoNetwork'] ?? {}) as { bgp?: string };
    return { backend: network.bgp === 'Disabled' ? 'none' : 'bird', source: `Installation default spec.calicoNetwork.bgp ${network.bgp ?? '(unset: Enabled)'}`, unparsed };
  }
  const configData = inputs.calicoConfig ? configMapData(inputs.calicoConfig) : undefined;
  const checked = (backend: string | undefined, source: string): CalicoBackend => {
    if (backend !== undefined && !knownBackends.includes(backend)) unparsed.push(`${source}: backend "${backend}" is none of ${knownBackends.join(', ')}`);
    return { ...(backend === undefined ? {} : { backend }), source, unparsed };
  };
  if (inputs.calicoNodeDaemonSet) {
    const ds = JSON.parse(inputs.calicoNodeDaemonSet) as DaemonSetJson;
    const env = (ds.spec?.template?.spec?.containers ?? []).find((c) => c.name === 'calico-node')?.env ?? [];
    const variable = env.find((e) => e.name === 'CALICO_NETWORKING_BACKEND');
    if (variable?.value !== undefined) return checked(variable.value, 'calico-node env CALICO_NETWORKING_BACKEND');
    const ref = variable?.valueFrom?.configMapKeyRef;
    if (ref) {
      const source = `calico-node env CALICO_NETWORKING_BACKEND from ConfigMap ${ref.name}/${ref.key}`;
      if (ref.name === 'calico-config' && configData && ref.key) return checked(configData[ref.key], source);
      return checked(undefined, `${source} (not read)`);
    }
  }
  if (configData?.['calico_backend'] !== undefined) return checked(configData['calico_backend'], 'ConfigMap calico-config calico_backend');
  return { source: 'no Installation, calico-node env or calico-config found', unparsed };
}

/** Features of a Calico cluster from its resources (crd.projectcalico.org/v1 and projectcalico.org/v3 have the same spec fields). */
export function calicoFeatures(inputs: CalicoInputs): KindFeature[] {
  const features = new Set<KindFeature>();
  const spec = (json: string | undefined) => (json ? ((JSON.parse(json) as { spec?: Record<string, unknown> }).spec ?? {}) : undefined);
  const items = (json: string | undefined) => (json ? (JSON.parse(json) as CalicoList).items ?? [] : []);
  const bird = calicoBackend(inputs).backend === 'bird';
  const mesh = spec(inputs.bgpConfiguration)?.['nodeToNodeMeshEnabled'] !== false;
  if (bird) {
    features.add('bird');
    if (mesh) features.add('bgp-mesh');
    else if (items(inputs.bgpPeers).some((p) => typeof p.spec?.['peerSelector'] === 'string' && p.spec['peerSelector'] !== '')) features.add('route-reflector');
  }
  const pools = items(inputs.ipPools);
  const enabled = pools.filter((p) => p.spec?.['disabled'] !== true);
  const encapsulates = (key: string) => enabled.some((p) => p.spec?.[key] === 'Always' || p.spec?.[key] === 'CrossSubnet');
  if (encapsulates('ipipMode')) features.add('ipip');
  if (encapsulates('vxlanMode')) features.add('vxlan');
  if (enabled.length > 0) features.add('calico-ipam');
  if (enabled.length > 0 && enabled.length < pools.length) features.add('ippool-migration');
  return [...features];
}

/** Runs host CLIs already pointed at the cluster (KubeActions.run). */
export type Run = (argv: string[]) => Promise<ExecResult>;

/** stdout of the first argv that succeeds, or undefined (e.g. the resource or its CRD is absent). */
export async function firstOutput(run: Run, ...argvs: string[][]): Promise<string | undefined> {
  for (const argv of argvs) {
    const r = await run(argv);
    if (r.exitCode === 0 && r.stdout.trim()) return r.stdout;
  }
  return undefined;
}

/** A Calico resource by kind, through whichever API this cluster serves (v1 CRDs, v3 CRDs, then calicoctl). */
export function calicoGet(run: Run, plural: string, name?: string): Promise<string | undefined> {
  const tail = [...(name ? [name] : []), '-o', 'json'];
  return firstOutput(run,
    ['kubectl', 'get', `${plural}.crd.projectcalico.org`, ...tail],
    ['kubectl', 'get', `${plural}.projectcalico.org`, ...tail],
    ['calicoctl', 'get', plural, ...tail, '--allow-version-mismatch']);
}

/** Capabilities from the live cluster: DaemonSets, the CNI's own configuration, and one read-only node probe (kernel-probe.ts). */
export async function detectCapabilities(provider: Capabilities['provider'], run: Run, nodes: NodeHandle[], probeOne: typeof readOnlyProbe = readOnlyProbe): Promise<Capabilities> {
  const daemonSets = (await run(['kubectl', 'get', 'daemonsets', '-A', '-o', `jsonpath=${daemonSetJsonPath}`])).stdout;
  const { cni, versions } = detectCni(daemonSets);
  const probe = nodes[0] ? await probeOne(nodes[0]) : { ipip: false, vxlan: false, features: [] };
  const features = new Set<string>(probe.features);
  if (/kube-system\/kube-proxy\b/.test(daemonSets)) features.add('kube-proxy');
  if (/calico-vpp-dataplane\//.test(daemonSets)) features.add('vpp');
  if (cni === 'cilium') {
    const config = await firstOutput(run, ['kubectl', '-n', 'kube-system', 'get', 'configmap', 'cilium-config', '-o', 'json']);
    const apiserver = (await run(['kubectl', '-n', 'kube-system', 'get', 'deployment', 'clustermesh-apiserver', '-o', 'name'])).exitCode === 0;
    if (config) for (const f of ciliumConfigFeatures(configMapData(config), apiserver)) features.add(f);
  }
  if (cni === 'calico') {
    const inputs: CalicoInputs = {};
    const installation = await firstOutput(run, ['kubectl', 'get', 'installations.operator.tigera.io', 'default', '-o', 'json']);
    const bgpConfiguration = await calicoGet(run, 'bgpconfigurations', 'default');
    const bgpPeers = await calicoGet(run, 'bgppeers');
    const ipPools = await calicoGet(run, 'ippools');
    if (installation) inputs.installation = installation;
    if (bgpConfiguration) inputs.bgpConfiguration = bgpConfiguration;
    if (bgpPeers) inputs.bgpPeers = bgpPeers;
    if (ipPools) inputs.ipPools = ipPools;
    if (!installation) {
      // A manifest install: calico-node and calico-config live beside each other (kube-system in manifests/calico.yaml@v3.31.0).
      const namespace = /^(\S+)\/calico-node /m.exec(daemonSets)?.[1] ?? 'kube-system';
      const daemonSet = await firstOutput(run, ['kubectl', '-n', namespace, 'get', 'daemonset', 'calico-node', '-o', 'json']);
      const config = await firstOutput(run, ['kubectl', '-n', namespace, 'get', 'configmap', 'calico-config', '-o', 'json']);
      if (daemonSet) inputs.calicoNodeDaemonSet = daemonSet;
      if (config) inputs.calicoConfig = config;
    }
    for (const f of calicoFeatures(inputs)) features.add(f);
  }
  return { provider, cni, features: [...features].sort(), kernel: { ipip: probe.ipip, vxlan: probe.vxlan }, versions };
}
