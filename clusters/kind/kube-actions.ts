import { kindEngineName } from '../engine.ts';
import type { ExecResult, KubeActions } from '../types.ts';
import { commandText, Unanswered } from '../unanswered.ts';
import { contextName, kubeconfigPath } from './naming.ts';
import type { KubeAccess } from './pods.ts';
import type { CommandRunner } from './runner.ts';
import type { Tool } from './types.ts';

const tools: readonly Tool[] = ['kubectl', 'helm', 'cilium', 'calicoctl', 'kind', 'docker', 'podman'];

/** What KubeActions needs of the API client: KubeAccess, or a fake in unit tests. */
export type KubeApi = Pick<KubeAccess, 'pods' | 'scale' | 'logs' | 'applyManifest' | 'deleteManifest'>;

export type RunCli = (argv: string[], options?: { timeoutMs?: number }) => Promise<ExecResult>;

/**
 * Points a CLI at a context; all read KUBECONFIG. kubectl and cilium take --context; helm takes --kube-context
 * (pkg/cli/environment.go@v3.21.4; the `=` form keeps cobra from taking the value for a subcommand); calicoctl has
 * no flag and reads K8S_CURRENT_CONTEXT (libcalico-go/lib/apiconfig/apiconfig.go@v3.32.1, used as the loading
 * rules' CurrentContext override in libcalico-go/lib/backend/k8s/client.go).
 */
export function contextArgv(context: string, argv: string[]): { tool: Tool; args: string[]; env: Record<string, string> } | undefined {
  const [tool, ...args] = argv;
  if (!tool || !(tools as readonly string[]).includes(tool)) return undefined;
  const flag = tool === 'kubectl' || tool === 'cilium' ? ['--context', context] : tool === 'helm' ? [`--kube-context=${context}`] : [];
  const env: Record<string, string> = tool === 'calicoctl' ? { K8S_CURRENT_CONTEXT: context } : {};
  return { tool: tool as Tool, args: [...flag, ...args], env };
}

/** Points a CLI at this kind cluster. */
export function clusterArgv(cluster: string, argv: string[]): ReturnType<typeof contextArgv> {
  return contextArgv(contextName(cluster), argv);
}

/** The refusal `run` answers for a tool outside the allowed list. */
export function unknownTool(argv: string[]): ExecResult {
  return { stdout: '', stderr: `tool "${argv[0]}": not one of ${tools.join(', ')}`, exitCode: 127 };
}

/**
 * What kubectl said when it never reached the API server (refused, timed out, TLS handshake timed out, connection
 * reset), else undefined: its last words for a transport error are StandardErrorMessage's for a *url.Error, "The
 * connection to the server %s was refused - did you specify the right host or port?" or "Unable to connect to the
 * server: %v" (pkg/cmd/util/helpers.go@kubernetes/kubectl v0.36.1, the pinned kubectl v1.36.1; recorded in
 * clusters/fixtures/unanswered). "Unable to connect" with a certificate or config error stays a failure of the run.
 */
export function apiServerDidNotAnswer(result: ExecResult): string | undefined {
  if (result.exitCode === 0) return undefined;
  const last = result.stderr.trim().split('\n').at(-1)?.trim() ?? '';
  return KUBECTL_NO_ANSWER.some((p) => p.test(last)) ? last : undefined;
}

const KUBECTL_NO_ANSWER = [
  /^The connection to the server \S+ was refused - did you specify the right host or port\?$/,
  /^Unable to connect to the server: .*(timeout|deadline exceeded|EOF|connection reset by peer|no route to host)/,
];

/**
 * KubeActions over one context: API calls through `api`, CLIs through `run` (already pointed at the context). A kubectl
 * call that never reached the API server rejects with Unanswered (clusters/unanswered.ts); any other exit is a result.
 */
export function kubeActions(context: string, api: KubeApi, runCli: RunCli, workdir: string): KubeActions {
  const run: RunCli = async (argv, options) => {
    const r = await runCli(argv, options);
    const said = argv[0] === 'kubectl' ? apiServerDidNotAnswer(r) : undefined;
    if (said) throw new Unanswered(commandText(argv), `context ${context}`, said);
    return r;
  };
  return {
    context,
    workdir,
    pods: (namespace, selector, container) => api.pods(namespace, selector, container),
    scale: (namespace, deployment, replicas) => api.scale(namespace, deployment, replicas),
    async waitReady(namespace, workload, timeoutMs = 300_000) {
      const r = await run(['kubectl', '-n', namespace, 'rollout', 'status', workload, `--timeout=${Math.round(timeoutMs / 1000)}s`], { timeoutMs: timeoutMs + 30_000 });
      if (r.exitCode !== 0) throw new Error(`failed to wait for ${workload} in ${namespace} on ${context}: ${(r.stderr || r.stdout).trim()}`);
    },
    logs: (namespace, pod, container) => api.logs(namespace, pod, container),
    apply: (manifest) => api.applyManifest(manifest),
    delete: (manifest) => api.deleteManifest(manifest),
    run,
  };
}

/** KubeActions over one kind cluster: CLIs through the run's runner (host or toolbox), API calls through KubeAccess. */
export function kindKubeActions(cluster: string, runner: CommandRunner, kube: KubeApi, planDir: string): KubeActions {
  const env = { KUBECONFIG: kubeconfigPath(cluster), DATASTORE_TYPE: 'kubernetes' };
  return kubeActions(contextName(cluster), kube, async (argv, options) => {
    // A check's `docker ...` means the engine kind's nodes run on (engine.ts): podman takes the same arguments for run/exec.
    const command = clusterArgv(cluster, argv[0] === 'docker' ? [kindEngineName(), ...argv.slice(1)] : argv);
    if (!command) return unknownTool(argv);
    // The caller's deadline reaches the runner (e.g. C-CT-1's 27 min for cilium connectivity test).
    return runner.run({ tool: command.tool, args: command.args, env: { ...env, ...command.env }, why: argv.join(' ') }, options?.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined);
  }, planDir);
}
