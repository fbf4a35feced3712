import { execa } from 'execa';
import { docker } from '../docker.ts';
import { detectCapabilities } from '../kind/capabilities.ts';
import { contextArgv, kubeActions, unknownTool, type RunCli } from '../kind/kube-actions.ts';
import { KubeAccess } from '../kind/pods.ts';
import { workloadNamespace } from '../kind/naming.ts';
import { systemDiagnostics } from '../kind/diagnostics.ts';
import type { ClusterHandle, NodeHandle, Profile } from '../types.ts';

export interface AttachOptions {
  kubeconfig: string;
  context: string;
  /** Node exec: 'docker' (kind node containers named like the nodes) or a template such as ['ssh', '{node}', '--']. */
  nodeExec: 'docker' | string[];
}

/** Expands `{node}` in an exec template and appends argv. */
export function nodeCommand(template: readonly string[], node: string, argv: string[]): string[] {
  return [...template.map((part) => part.replaceAll('{node}', node)), ...argv];
}

/** Host CLIs pointed at the attached context (kubectl/cilium --context; KUBECONFIG for all; calicoctl in kubernetes datastore mode). */
export function attachRun(options: Pick<AttachOptions, 'kubeconfig' | 'context'>): RunCli {
  return async (argv, runOptions) => {
    const command = contextArgv(options.context, argv);
    if (!command) return unknownTool(argv);
    const r = await execa(command.tool, command.args, {
      reject: false,
      env: { KUBECONFIG: options.kubeconfig, DATASTORE_TYPE: 'kubernetes' },
      ...(runOptions?.timeoutMs ? { timeout: runOptions.timeoutMs } : {}),
    });
    return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? 1 };
  };
}

/** A handle over an existing cluster: reads and execs only; creates and deletes nothing. */
export async function attachCluster(profile: Profile, options: AttachOptions): Promise<ClusterHandle> {
  const kube = new KubeAccess(options.kubeconfig, options.context);
  const kubectl = await execa('kubectl', ['--kubeconfig', options.kubeconfig, '--context', options.context, 'get', 'nodes', '-o',
    'jsonpath={range .items[*]}{.metadata.name} {.metadata.labels.node-role\\.kubernetes\\.io/control-plane} {.status.addresses[?(@.type=="InternalIP")].address}{"\\n"}{end}'], { reject: false });
  if (kubectl.exitCode !== 0) throw new Error(`failed to attach to context "${options.context}": ${String(kubectl.stderr).trim()}; check --kubeconfig and --context`);
  const nodes: NodeHandle[] = String(kubectl.stdout).split('\n').filter(Boolean).map((line) => {
    const [name = '', cp, ...ips] = line.split(' ');
    const role: NodeHandle['role'] = cp === '' || cp === undefined ? 'worker' : 'control-plane';
    const exec = options.nodeExec === 'docker'
      ? (argv: string[]) => docker(['exec', name, ...argv])
      : async (argv: string[]) => {
          const [cmd = '', ...args] = nodeCommand(options.nodeExec as string[], name, argv);
          const r = await execa(cmd, args, { reject: false });
          return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? 1 };
        };
    return { name, role, addresses: ips.filter(Boolean), exec };
  });
  const actions = kubeActions(options.context, kube, attachRun(options), process.cwd());
  const capabilities = await detectCapabilities('attach', actions.run, nodes);
  const pods = await kube.pods(workloadNamespace).catch(() => []);
  const noop = async () => {};
  return {
    name: options.context, profile, nodes, pods, capabilities,
    kube: actions,
    diagnostics: () => systemDiagnostics(actions, capabilities),
    node(name) { const n = nodes.find((x) => x.name === name); if (!n) throw new Error(`node "${name}": not in context ${options.context}`); return n; },
    pod(name) { const p = pods.find((x) => x.name === name); if (!p) throw new Error(`pod "${name}": not in namespace ${workloadNamespace}`); return p; },
    destroy: noop,
    [Symbol.asyncDispose]: noop,
  };
}
