import { KubeConfig, type V1Node } from '@kubernetes/client-node';
import { execa } from 'execa';
import { dockerExec } from '../kind/node.ts';
import { detectCapabilities } from '../kind/capabilities.ts';
import { contextArgv, kubeActions, unknownTool, type RunCli } from '../kind/kube-actions.ts';
import { DEFAULT_EXEC_DEADLINE_MS, KubeAccess, podRefresher, probeServerPods } from '../kind/pods.ts';
import { workloadNamespace } from '../kind/naming.ts';
import { systemDiagnostics } from '../kind/diagnostics.ts';
import type { ClusterHandle, NodeHandle, PodHandle, Profile } from '../types.ts';
import { readOnlyProbe } from '../kind/kernel-probe.ts';
import { nodeCommand, parseTemplate } from './node-exec.ts';
import { commandText, Unanswered } from '../unanswered.ts';

export { nodeCommand };

export interface AttachOptions {
  context: string;
  /** KUBECONFIG as the user set it: one file or a list (path.delimiter), read as kubectl reads it; unset = ~/.kube/config. */
  kubeconfig?: string;
  /** Node exec: 'docker' (kind node containers named like the nodes) or a template such as ['ssh', '{node}', '--']. */
  nodeExec: 'docker' | string[];
}

/** Attach options from the environment the CLI sets: CNI_CONFORMANCE_ATTACH, CNI_CONFORMANCE_NODE_EXEC, KUBECONFIG. */
export function attachOptionsFromEnv(env: Record<string, string | undefined> = process.env): AttachOptions {
  const context = env['CNI_CONFORMANCE_ATTACH'];
  if (!context) throw new Error('CNI_CONFORMANCE_ATTACH is unset: name the kubeconfig context to attach to');
  const template = env['CNI_CONFORMANCE_NODE_EXEC'];
  return {
    context,
    ...(env['KUBECONFIG'] ? { kubeconfig: env['KUBECONFIG'] } : {}),
    nodeExec: template ? parseTemplate(template) : 'docker',
  };
}

/**
 * The kubeconfig as kubectl loads it: client-node 2.0.1 `loadFromDefault` (dist/config.js) splits KUBECONFIG
 * on path.delimiter and merges the files, else reads ~/.kube/config. `kubeconfig` overrides KUBECONFIG.
 */
export function loadKubeconfig(kubeconfig?: string): KubeConfig {
  const config = new KubeConfig();
  const saved = process.env.KUBECONFIG;
  try {
    if (kubeconfig !== undefined) process.env.KUBECONFIG = kubeconfig;
    config.loadFromDefault();
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG; else process.env.KUBECONFIG = saved;
  }
  // With no file at all loadFromDefault falls back to http://localhost:8080 as context "loaded-context" (dist/config.js).
  if (config.getContexts().length === 1 && config.getContexts()[0]?.name === 'loaded-context' && config.getCurrentCluster()?.server === 'http://localhost:8080') {
    throw new Error('no kubeconfig found: KUBECONFIG is unset and ~/.kube/config does not exist; point KUBECONFIG at the cluster\'s kubeconfig');
  }
  return config;
}

/**
 * Environment of the host CLIs on an attached cluster. KUBECONFIG goes through as the user wrote it (a list
 * too): kubectl, helm (pkg/cli/environment.go@v3.21.4), cilium-cli and calicoctl (libcalico-go/lib/backend/k8s/
 * client.go@v3.32.1 fillLoadingRulesFromKubeConfigSpec: filepath.SplitList into loading-rule precedence) all read
 * lists. The context: calicoctl has no flag and reads K8S_CURRENT_CONTEXT (libcalico-go/lib/apiconfig/
 * apiconfig.go@v3.32.1); kubectl/cilium/helm get theirs from contextArgv.
 */
export function attachCliEnv(options: Pick<AttachOptions, 'kubeconfig' | 'context'>): Record<string, string> {
  return { ...(options.kubeconfig ? { KUBECONFIG: options.kubeconfig } : {}), DATASTORE_TYPE: 'kubernetes', K8S_CURRENT_CONTEXT: options.context };
}

/** Host CLIs pointed at the attached context. */
export function attachRun(options: Pick<AttachOptions, 'kubeconfig' | 'context'>, exec: typeof execa = execa): RunCli {
  return async (argv, runOptions) => {
    const command = contextArgv(options.context, argv);
    if (!command) return unknownTool(argv);
    const r = await exec(command.tool, command.args, {
      reject: false,
      env: { ...attachCliEnv(options), ...command.env },
      ...(runOptions?.timeoutMs ? { timeout: runOptions.timeoutMs } : {}),
    });
    return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? 1 };
  };
}

/**
 * Control-plane nodes carry the label node-role.kubernetes.io/control-plane with an empty value (kubeadm's
 * mark-control-plane phase; kind waits for it with the existence selector of that name, pkg/cluster/internal/
 * create/actions/waitforready/waitforready.go@v0.32.0; clusters before 1.24 had node-role.kubernetes.io/master).
 */
export function nodeRole(labels: Record<string, string> | undefined): NodeHandle['role'] {
  const l = labels ?? {};
  return 'node-role.kubernetes.io/control-plane' in l || 'node-role.kubernetes.io/master' in l ? 'control-plane' : 'worker';
}

/** Node handles of the API's nodes: name, role, InternalIPs, and exec through docker or the template. */
export function attachNodes(items: readonly V1Node[], nodeExec: AttachOptions['nodeExec'], exec: typeof execa = execa): NodeHandle[] {
  return items.map((item) => {
    const name = item.metadata?.name ?? '';
    const addresses = (item.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address);
    const run = nodeExec === 'docker'
      ? (argv: string[]) => dockerExec(name, argv)
      : async (argv: string[]) => {
          const [cmd = '', ...args] = nodeCommand(nodeExec, name, argv);
          // A deadline, as for pod exec: a hung ssh must not keep a control from its undo.
          const r = await exec(cmd, args, { reject: false, timeout: DEFAULT_EXEC_DEADLINE_MS });
          if (r.timedOut) throw new Unanswered(commandText(argv), `node ${name} (${cmd})`, `cut after ${DEFAULT_EXEC_DEADLINE_MS / 1000} s without an exit`);
          return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? 1 };
        };
    return { name, role: nodeRole(item.metadata?.labels), addresses, exec: run };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

/** The API access of an attached context; a kubeconfig that cannot be read or lacks the context is a clear error. */
export function attachAccess(options: Pick<AttachOptions, 'kubeconfig' | 'context'>): KubeAccess {
  let config: KubeConfig;
  try {
    config = loadKubeconfig(options.kubeconfig);
  } catch (error) {
    // client-node refuses a cluster/user/context name that two files of a KUBECONFIG list both define (kubectl takes the first).
    throw new Error(`failed to read the kubeconfig (KUBECONFIG=${options.kubeconfig ?? '~/.kube/config'}): ${(error as Error).message}`);
  }
  return new KubeAccess(config, options.context);
}

/** A handle over an existing cluster: reads and execs only; creates and deletes nothing. */
export async function attachCluster(profile: Profile, options: AttachOptions): Promise<ClusterHandle> {
  const kube = attachAccess(options);
  const items = await kube.nodes().catch((error: Error) => {
    throw new Error(`failed to attach to context "${options.context}": ${error.message}; check KUBECONFIG and the context name`);
  });
  const nodes = attachNodes(items, options.nodeExec);
  const actions = kubeActions(options.context, kube, attachRun(options), process.cwd());
  // Read-only node probe: no test links on a cluster the harness did not create.
  const capabilities = await detectCapabilities('attach', actions.run, nodes, (node) => readOnlyProbe(node, (line) => process.stderr.write(`${line}\n`)));
  const pods: PodHandle[] = [];
  // No workload namespace is fine here (the user deploys the plan's workloads); a refresh then finds none.
  const refresh = podRefresher(pods, () => probeServerPods(kube).catch(() => []));
  await refresh();
  const noop = async () => {};
  return {
    name: options.context, profile, nodes, pods, capabilities,
    refresh,
    kube: actions,
    diagnostics: () => systemDiagnostics(actions, capabilities),
    node(name) { const n = nodes.find((x) => x.name === name); if (!n) throw new Error(`node "${name}": not in context ${options.context}`); return n; },
    pod(name) { const p = pods.find((x) => x.name === name); if (!p) throw new Error(`pod "${name}": not in namespace ${workloadNamespace}; pods: ${pods.map((x) => x.name).join(', ') || 'none'}`); return p; },
    destroy: noop,
    [Symbol.asyncDispose]: noop,
  };
}
