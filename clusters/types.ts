import type { ExecResult } from './docker.ts';

export type { ExecResult };

/** Something commands can run in: a node's root netns, or a pod's netns. */
export interface Executor {
  /**
   * Runs argv; resolves with the exit code, never rejects on a non-zero exit. Rejects with Unanswered
   * (clusters/unanswered.ts) when the command never ran or its end was never seen (engine, container or API server).
   */
  exec(argv: string[]): Promise<ExecResult>;
}

/** A cluster node (a lab container or a kind node container). */
export interface NodeHandle extends Executor {
  name: string;
  role: 'control-plane' | 'worker' | 'router' | 'host';
  /** Addresses on the node network, e.g. the underlay eth0 address. */
  addresses: string[];
}

/** A pod: a network namespace on a node (lab) or a Kubernetes pod (kind). */
export interface PodHandle extends Executor {
  name: string;
  namespace: string;
  node: string;
  addresses: string[];
  /** Labels, e.g. app=rebel-base. */
  labels: Record<string, string>;
}

/** Facts detected from the live environment once per cluster; requirements are checked against them. */
export interface Capabilities {
  provider: 'lab' | 'kind' | 'attach';
  /** CNI running the pod network, as detected (not as requested). */
  cni: 'calico' | 'cilium' | 'flannel' | 'none';
  /** Datapath features the cluster shows, e.g. 'calico-gateway', 'bgp-mesh', 'vxlan', 'kube-proxy'. */
  features: string[];
  kernel: { ipip: boolean; vxlan: boolean };
  /** Free-form detected versions, e.g. { cilium: '1.20.0' }. */
  versions: Record<string, string>;
}

/** One phase of bringing a cluster up (e.g. "cluster up", "CNI ready", "routes/BGP converged") and how long it took. */
export interface ProvisionPhase {
  phase: string;
  ms: number;
  /** Commands or steps the phase ran. */
  steps: number;
}

/** A running cluster; disposing it removes every container, link and network it made. */
export interface ClusterHandle extends AsyncDisposable {
  name: string;
  profile: Profile;
  nodes: NodeHandle[];
  /** The workload pods as last read; kind and attach handles re-read them in `refresh`. */
  pods: PodHandle[];
  capabilities: Capabilities;
  /**
   * Re-reads the live workload pods into `pods` (kind, attach): pods are replaced by controls and restarts.
   * checkBehaviour calls it before every probe; absent on the lab, whose pods are netns that stay.
   */
  refresh?(): Promise<void>;
  /**
   * Lab only: applies the lab's kernel bounds to what a change made, e.g. the neighbour queues of devices a control
   * created (clusters/lab/neighbour-queues.ts says why). Called after every negative control or fault is applied.
   */
  settle?(): Promise<void>;
  /**
   * Runs argv in a pod's network namespace with its node's privileges (writable /proc/sys), where the pod's own exec has
   * fewer (kind: clusters/kind/pod-netns.ts). Absent on the lab, whose pod exec already is that.
   */
  podNetnsExec?(pod: PodHandle, argv: string[]): Promise<ExecResult>;
  node(name: string): NodeHandle;
  pod(name: string): PodHandle;
  destroy(): Promise<void>;
  /** Provider-specific diagnostics attached to the report when a behaviour fails (e.g. agent status, pod logs). */
  diagnostics?(): Promise<Record<string, string>>;
  /** Kubernetes actions: present on kind and attach clusters, absent on the lab. */
  kube?: KubeActions;
  /** How long each provisioning phase took, in the order they ran; absent where the harness did not build the cluster (attach). */
  provisioning?: ProvisionPhase[];
}

/**
 * Kubernetes API actions of a cluster handle (kind, attach). `run` executes host-side CLIs
 * (kubectl, cilium, calicoctl, calivppctl) already pointed at this cluster; it never rejects on a non-zero exit.
 */
export interface KubeActions {
  /** The kubeconfig context of this cluster, e.g. "kind-c1". */
  context: string;
  /** The host folder where relative paths given to `run` land (files a CLI writes, e.g. a JUnit file). */
  workdir: string;
  /** Pods matching a label selector (e.g. kube-system, "k8s-app=cilium"), exec'ing into `container` when given. */
  pods(namespace: string, selector: string, container?: string): Promise<PodHandle[]>;
  scale(namespace: string, deployment: string, replicas: number): Promise<void>;
  /** Waits until the workload (e.g. "deployment/rebel-base", "daemonset/cilium") is ready. */
  waitReady(namespace: string, workload: string, timeoutMs?: number): Promise<void>;
  /** Logs of one pod (all containers when container is omitted). */
  logs(namespace: string, pod: string, container?: string): Promise<string>;
  /** `kubectl apply -f -` with the manifest text. */
  apply(manifest: string): Promise<void>;
  /** `kubectl delete -f -` with the manifest text; ignores not-found. */
  delete(manifest: string): Promise<void>;
  run(argv: string[], options?: { timeoutMs?: number }): Promise<ExecResult>;
}

/** What a provider is asked to build, and what suites run against it. */
export interface Profile {
  name: string;
  description: string;
  provider: 'lab' | 'kind';
  cni: Capabilities['cni'];
  /** Behaviour ids from BEHAVIOURS.md this profile is meant to prove. */
  behaviours: string[];
}

export interface ProviderInfo {
  name: Profile['provider'] | 'attach';
  /** Why this provider cannot run here, or undefined when it can. */
  unavailable?: string;
}

/** One small provider interface, as kind's: build from a profile, list, destroy. */
export interface Provider<P extends Profile = Profile> {
  info(): Promise<ProviderInfo>;
  create(profile: P, options: CreateOptions): Promise<ClusterHandle>;
  /** Cluster names this provider has running for the given run id (all runs when omitted). */
  list(runId?: string): Promise<string[]>;
  destroy(name: string): Promise<void>;
}

export interface CreateOptions {
  runId: string;
  log?: (line: string) => void;
  /** Keep containers after the run for debugging. */
  keep?: boolean;
}
