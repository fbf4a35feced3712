import type { Profile } from '../types.ts';

/** kind's v1alpha4 `networking` fields the profiles use (json names from kind's types.go). */
export interface KindNetworking {
  podSubnet?: string;
  serviceSubnet?: string;
  disableDefaultCNI?: boolean;
  kubeProxyMode?: 'iptables' | 'ipvs' | 'nftables' | 'none';
  ipFamily?: 'ipv4' | 'ipv6' | 'dual';
}

export interface KindMount {
  hostPath: string;
  containerPath: string;
  readOnly?: boolean;
}

/** One kind node as the profile asks for it. */
export interface KindNodeSpec {
  role: 'control-plane' | 'worker';
  /** Kubernetes node labels, set by kind at creation (e.g. route-reflector=true). */
  labels?: Record<string, string>;
  /** Kubernetes node annotations, set with kubectl after creation (kind has no field for them). */
  annotations?: Record<string, string>;
}

/** A Cilium install: the chart at versions.cilium.chart with these values. */
export interface CiliumInstall {
  cni: 'cilium';
  values: Record<string, unknown>;
}

/** Calico resources the harness creates with calicoctl (spec fields as in the crd.projectcalico.org CRDs). */
export interface CalicoResource {
  kind: 'IPPool' | 'BGPConfiguration' | 'BGPPeer';
  name: string;
  spec: Record<string, unknown>;
}

/**
 * A Calico install from its manifests at versions.calico.release (clusters/kind/cni/calico.ts): `bird` takes
 * manifests/calico.yaml (BIRD runs BGP), `vxlan` manifests/calico-vxlan.yaml (BIRD does not run).
 */
export interface CalicoManifestInstall {
  cni: 'calico';
  backend: 'bird' | 'vxlan';
  /** Pools and BGP resources; calico-node creates no default pool (NO_DEFAULT_POOLS). */
  resources: CalicoResource[];
  vpp?: undefined;
}

/** calico-vpp: Calico at versions.calicoVpp.calico through the tigera-operator, then the upstream calico-vpp-kind.yaml. */
export interface CalicoVppInstall {
  cni: 'calico';
  vpp: true;
  /** Installation.spec.calicoNetwork fields; ipPools is always [] (pools come from `resources`). */
  calicoNetwork: Record<string, unknown>;
  resources: CalicoResource[];
}

export type CalicoInstall = CalicoManifestInstall | CalicoVppInstall;

/** flannel's net-conf.json (kube-flannel-cfg ConfigMap). */
export interface FlannelNetConf {
  Network: string;
  EnableNFTables?: boolean;
  Backend: { Type: 'vxlan' | 'host-gw'; VNI?: number; Port?: number };
}

export interface FlannelInstall {
  cni: 'flannel';
  netConf: FlannelNetConf;
}

export type CniInstall = CiliumInstall | CalicoInstall | FlannelInstall;

/** One kind cluster of a profile; `suffix` names it inside a run (cluster name `cnc-<run>-<suffix>`). */
export interface KindClusterSpec {
  suffix: string;
  networking: KindNetworking;
  nodes: KindNodeSpec[];
  install: CniInstall;
}

/**
 * Test workloads the harness deploys after the CNI is ready (our own manifests), in this order:
 * probes/rebel-base/x-wing; then pool-migration (Calico: a new blockSize-26 pool, the old one disabled, then pods in
 * namespace conformance-pool: K-POOL-1); then fixed-ip (Calico: a pod annotated cni.projectcalico.org/ipAddrs: K-IPAM-1).
 * lone-backend: one HTTP pod behind NodePort 30090, so some node has no local backend (C-DSR-1).
 */
export type WorkloadSet = 'probes' | 'rebel-base' | 'x-wing' | 'pool-migration' | 'fixed-ip' | 'lone-backend';

export interface KindProfile extends Profile {
  provider: 'kind';
  clusters: KindClusterSpec[];
  /** Which of our workloads go to which cluster index (default: probes and lone-backend on every cluster). */
  workloads?: Array<{ cluster: number; sets: WorkloadSet[] }>;
  /** Clustermesh: connect cluster 0 to cluster 1 with cilium-cli after install. */
  clustermesh?: { nodePort: number };
}

/** A tool the plan runs; resolved to a host binary or the toolbox container at run time. */
export type Tool = 'kind' | 'kubectl' | 'helm' | 'cilium' | 'calicoctl' | 'docker' | 'podman';
/** The CLIs a plan runs besides the container engine's own. */
export type CliTool = Exclude<Tool, 'docker' | 'podman'>;

/** One step of a plan: argv for a tool, run with cwd = plan folder. */
export interface Command {
  tool: Tool;
  args: string[];
  /** Why this step exists, printed as the progress line. */
  why: string;
  env?: Record<string, string>;
  /** Feed this command's stdout to this command (a shell pipe). */
  stdinFrom?: Command;
  /** Retry until success for this long (e.g. CRDs becoming established). */
  retrySeconds?: number;
  /** Step may fail without failing the run (e.g. cleanup). */
  optional?: boolean;
  /** The provisioning phase the step belongs to; its duration is summed into that phase (run.json `provisioning`). */
  phase?: KindPhase;
}

/** Phases of bringing a kind profile up, in the order the plan runs them. */
export type KindPhase = 'images pulled' | 'cluster up' | 'CNI ready' | 'clustermesh connected' | 'workloads ready';

/** A release archive extracted into the plan folder (e.g. the CNI reference plugins for flannel). */
export interface Download {
  url: string;
  /** URL of the published `<sha256>  <file>` line. */
  sha256Url: string;
  /** Folder relative to the plan folder. */
  extractTo: string;
}

/** Everything a profile would apply, rendered without Docker. */
export interface Plan {
  profile: string;
  runId: string;
  /** kind cluster names, in profile order. */
  clusters: string[];
  /** Relative path -> file content (kind configs, values, manifests). */
  files: Record<string, string>;
  /** Archives fetched (and checked against their published sha256) before the commands run. */
  downloads: Download[];
  commands: Command[];
  /** Delete commands, run at the end of a run unless KEEP=1. */
  teardown: Command[];
}
