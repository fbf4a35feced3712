import { Writable } from 'node:stream';
import { AppsV1Api, CoreV1Api, Exec, KubeConfig, KubernetesObjectApi, type KubernetesObject, type V1Node, type V1Pod, type V1Status } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { ExecResult, PodHandle } from '../types.ts';
import { commandText, Unanswered } from '../unanswered.ts';
import { workloadNamespace } from './naming.ts';
import { probeServerSelector } from './workloads.ts';

/** How long one pod exec may take before it is cut and rejected (a control's undo must never wait forever). */
export const DEFAULT_EXEC_DEADLINE_MS = 180_000;

export interface KubeAccessOptions {
  /** Deadline of one pod exec. */
  execDeadlineMs?: number;
  /** The websocket side of exec (a fake in unit tests); client-node's WebSocketHandler by default. */
  execSocket?: ConstructorParameters<typeof Exec>[1];
}

/** Kubernetes access for one cluster context: pods as handles, exec, scale, wait ready. */
export class KubeAccess {
  readonly config: KubeConfig;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly options: KubeAccessOptions;

  /** `kubeconfig`: one kubeconfig file (kind writes one per cluster), or a loaded KubeConfig (attach: loadFromDefault). */
  constructor(kubeconfig: string | KubeConfig, context?: string, options: KubeAccessOptions = {}) {
    if (typeof kubeconfig === 'string') {
      this.config = new KubeConfig();
      this.config.loadFromFile(kubeconfig);
    } else {
      this.config = kubeconfig;
    }
    if (context) {
      if (!this.config.getContextObject(context)) {
        throw new Error(`context "${context}": not in the kubeconfig; contexts: ${this.config.getContexts().map((c) => c.name).join(', ') || 'none'}`);
      }
      this.config.setCurrentContext(context);
    }
    this.options = options;
    this.core = this.config.makeApiClient(CoreV1Api);
    this.apps = this.config.makeApiClient(AppsV1Api);
  }

  /** The cluster's nodes as the API returns them. */
  async nodes(): Promise<V1Node[]> {
    return (await this.core.listNode()).items;
  }

  /** Pods matching the selector (all pods when omitted); exec goes to `container`, else the first container. */
  async pods(namespace: string, labelSelector?: string, container?: string): Promise<PodHandle[]> {
    const list = await this.core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) });
    return podHandles(list.items, (ns, pod, c, argv) => this.exec(ns, pod, c, argv), container);
  }

  podHandle(pod: V1Pod, container?: string): PodHandle {
    return podHandle(pod, (ns, name, c, argv) => this.exec(ns, name, c, argv), container);
  }

  /** Runs argv in a pod container; see podExec. */
  exec(namespace: string, pod: string, container: string, argv: string[]): Promise<ExecResult> {
    return podExec(new Exec(this.config, this.options.execSocket), { namespace, pod, container }, argv, this.options.execDeadlineMs);
  }

  async scale(namespace: string, deployment: string, replicas: number): Promise<void> {
    // read + replace avoids patch content-type negotiation.
    const scale = await this.apps.readNamespacedDeploymentScale({ namespace, name: deployment });
    await this.apps.replaceNamespacedDeploymentScale({ namespace, name: deployment, body: { ...scale, spec: { replicas } } });
  }

  /** Polls until every pod matching the selector is Ready (and there are `min` of them). */
  async waitReady(namespace: string, labelSelector: string, timeoutMs = 300_000, min = 1): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = await this.core.listNamespacedPod({ namespace, labelSelector });
      const ready = list.items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      if (ready.length >= min && ready.length === list.items.length) return;
      if (Date.now() > deadline) {
        throw new Error(`failed to wait for pods ${labelSelector} in ${namespace}: ${ready.length}/${list.items.length} ready after ${timeoutMs / 1000}s`);
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  /** Creates each document, replacing it when it exists (kubectl apply without the last-applied annotation). */
  async applyManifest(manifest: string): Promise<void> {
    const objects = this.objectApi();
    for (const spec of documents(manifest)) {
      try {
        await objects.create(spec);
      } catch (error) {
        if (statusCode(error) !== 409) throw error;
        const current = await objects.read(spec as KubernetesObject & { metadata: { name: string } });
        await objects.replace({ ...spec, metadata: { ...spec.metadata, resourceVersion: current.metadata?.resourceVersion } });
      }
    }
  }

  /** Deletes each document; not-found is fine. */
  async deleteManifest(manifest: string): Promise<void> {
    const objects = this.objectApi();
    for (const spec of documents(manifest)) {
      try { await objects.delete(spec); } catch (error) { if (statusCode(error) !== 404) throw error; }
    }
  }

  private objectApi(): KubernetesObjectApi {
    return KubernetesObjectApi.makeApiClient(this.config);
  }

  async logs(namespace: string, pod: string, container?: string): Promise<string> {
    return this.core.readNamespacedPodLog({ namespace, name: pod, ...(container ? { container } : {}) });
  }
}

/** The socket Exec.exec resolves with: `ws`'s WebSocket (isomorphic-ws in Node), an EventEmitter. */
interface ExecSocket { on(event: 'close', listener: (code: number, reason: Buffer) => void): unknown; close(): void }

/**
 * Runs argv in a pod container and resolves with the exit code of the exec status frame.
 * client-node 2.0.1 calls the status callback only when a status frame arrives (dist/exec.js, handleStandardStreams
 * in dist/web-socket-handler.js), and ignores errors once the socket is open: a socket that closes without one
 * (the container restarted, the connection dropped) would leave the promise pending for ever. So the socket's
 * close rejects, and a deadline cuts the exec and rejects.
 */
export function podExec(exec: Pick<Exec, 'exec'>, target: { namespace: string; pod: string; container: string }, argv: string[], deadlineMs = DEFAULT_EXEC_DEADLINE_MS): Promise<ExecResult> {
  const where = `exec in pod ${target.namespace}/${target.pod} (${target.container}) "${argv.join(' ')}"`;
  const pod = `pod ${target.namespace}/${target.pod} (${target.container})`;
  let out = '';
  let err = '';
  // Writables that append at once: the status frame comes after the last output frame on the same socket.
  const sink = (append: (text: string) => void) => new Writable({ write(chunk: Buffer, _encoding, done) { append(chunk.toString()); done(); } });
  const stdout = sink((t) => { out += t; });
  const stderr = sink((t) => { err += t; });
  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    let socket: ExecSocket | undefined;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => finish(() => {
      socket?.close();
      reject(new Unanswered(commandText(argv), pod, `no exit status within ${deadlineMs / 1000} s; the exec was cut`));
    }), deadlineMs);
    exec.exec(target.namespace, target.pod, target.container, argv, stdout, stderr, null, false, (status: V1Status) => {
      finish(() => resolve({ stdout: out, stderr: err, exitCode: exitCodeOf(status) }));
    }).then((ws) => {
      socket = ws as unknown as ExecSocket;
      socket.on('close', (code) => finish(() => reject(new Unanswered(commandText(argv), pod,
        `the connection closed (code ${code}) before an exit status came; the container may have restarted`
        + `${out || err ? `; output so far: ${(out + err).trim().slice(-300)}` : ''}`))));
    }, (error: unknown) => finish(() => {
      const said = connectionFailed(error);
      const message = error && typeof error === 'object' && 'message' in error ? String((error as { message: unknown }).message) : String(error);
      reject(said ? new Unanswered(commandText(argv), pod, said) : error instanceof Error ? error : new Error(`${where}: ${message}`));
    }));
  });
}

/**
 * What the connection said when the API server never took the exec (refused, reset, timed out, unreachable), else
 * undefined. client-node rejects with what its socket's onerror got (WebSocketHandler.connect,
 * dist/web-socket-handler.js@2.0.1), which is ws's ErrorEvent carrying Node's system error as `error` and its text as
 * `message` (lib/event-target.js@ws 8.23.0). An HTTP refusal of the exec itself (a bad container name: "Unexpected
 * server response: 400") is the harness's bad argument, not this.
 */
export function connectionFailed(error: unknown): string | undefined {
  const inner = error && typeof error === 'object' && 'error' in error ? (error as { error: unknown }).error : error;
  const code = inner && typeof inner === 'object' && 'code' in inner ? (inner as { code: unknown }).code : undefined;
  if (typeof code !== 'string' || !CONNECTION_CODES.includes(code)) return undefined;
  return inner instanceof Error ? inner.message : code;
}
const CONNECTION_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'];

/**
 * The pods that serve probes, which are `cluster.pods`: those of the workload namespace labelled as probe servers by the
 * workload definitions (workloads.ts probeServerLabel), never every pod there (fixed-ip only sleeps).
 */
export function probeServerPods(kube: Pick<KubeAccess, 'pods'>): Promise<PodHandle[]> {
  return kube.pods(workloadNamespace, probeServerSelector);
}

/** Re-reads the workload pods into `pods`, in place, so every holder of the array (cluster.pods) sees the live list. */
export function podRefresher(pods: PodHandle[], read: () => Promise<PodHandle[]>): () => Promise<void> {
  return async () => { pods.splice(0, pods.length, ...(await read())); };
}

export type PodExec = (namespace: string, pod: string, container: string, argv: string[]) => Promise<ExecResult>;

/** A pod as a handle; exec goes to `container` (checked against the pod spec), else to the first container. */
export function podHandle(pod: V1Pod, exec: PodExec, container?: string): PodHandle {
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? 'default';
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  if (container !== undefined && !containers.includes(container)) {
    throw new Error(`pod ${namespace}/${name}: no container "${container}" (containers: ${containers.join(', ') || 'none'})`);
  }
  const target = container ?? containers[0] ?? '';
  return {
    name, namespace,
    node: pod.spec?.nodeName ?? '',
    addresses: (pod.status?.podIPs ?? []).map((ip) => ip.ip),
    labels: pod.metadata?.labels ?? {},
    exec: (argv) => exec(namespace, name, target, argv),
  };
}

/** Handles of the running pods of a list, sorted by node then name (terminating and finished pods left out). */
export function podHandles(items: readonly V1Pod[], exec: PodExec, container?: string): PodHandle[] {
  return items
    .filter((p) => !p.metadata?.deletionTimestamp && (p.status?.phase === undefined || p.status.phase === 'Running' || p.status.phase === 'Pending'))
    .map((p) => podHandle(p, exec, container))
    .sort((a, b) => a.node.localeCompare(b.node) || a.name.localeCompare(b.name));
}

/** Exit code from a Kubernetes exec V1Status: Success = 0, else the ExitCode cause (1 when absent). */
export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  return cause?.message ? Number(cause.message) : 1;
}

function documents(manifest: string): KubernetesObject[] {
  return parseAllDocuments(manifest).map((d) => d.toJS() as KubernetesObject).filter((o) => o && o.kind);
}

function statusCode(error: unknown): number | undefined {
  return error && typeof error === 'object' && 'code' in error && typeof error.code === 'number' ? error.code : undefined;
}
