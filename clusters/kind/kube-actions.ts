import type { KubeActions } from '../../suites/kube-actions.ts';
import type { ExecResult } from '../types.ts';
import { contextName, kubeconfigPath } from './naming.ts';
import type { KubeAccess } from './pods.ts';
import type { CommandRunner } from './runner.ts';
import type { Tool } from './types.ts';

const tools: readonly Tool[] = ['kubectl', 'helm', 'cilium', 'calicoctl', 'kind', 'docker'];

/** Points a CLI at this cluster: kubectl/cilium take --context; all read KUBECONFIG (calicoctl also DATASTORE_TYPE). */
export function clusterArgv(cluster: string, argv: string[]): { tool: Tool; args: string[] } | undefined {
  const [tool, ...args] = argv;
  if (!tool || !(tools as readonly string[]).includes(tool)) return undefined;
  const withContext = tool === 'kubectl' || tool === 'cilium' ? ['--context', contextName(cluster), ...args] : args;
  return { tool: tool as Tool, args: withContext };
}

/** KubeActions over one kind cluster: CLIs through the run's runner (host or toolbox), API calls through KubeAccess. */
export function kindKubeActions(cluster: string, runner: CommandRunner, kube: KubeAccess): KubeActions {
  const env = { KUBECONFIG: kubeconfigPath(cluster), DATASTORE_TYPE: 'kubernetes' };
  const run = async (argv: string[]): Promise<ExecResult> => {
    const command = clusterArgv(cluster, argv);
    if (!command) return { stdout: '', stderr: `tool "${argv[0]}": not one of ${tools.join(', ')}`, exitCode: 127 };
    return runner.run({ ...command, env, why: argv.join(' ') });
  };
  return {
    context: contextName(cluster),
    scale: (namespace, deployment, replicas) => kube.scale(namespace, deployment, replicas),
    async waitReady(namespace, workload, timeoutMs = 300_000) {
      const r = await run(['kubectl', '-n', namespace, 'rollout', 'status', workload, `--timeout=${Math.round(timeoutMs / 1000)}s`]);
      if (r.exitCode !== 0) throw new Error(`failed to wait for ${workload} in ${namespace} on ${cluster}: ${r.stderr.trim()}`);
    },
    logs: (namespace, pod, container) => kube.logs(namespace, pod, container),
    apply: (manifest) => kube.applyManifest(manifest),
    delete: (manifest) => kube.deleteManifest(manifest),
    run: (argv) => run(argv),
  };
}
