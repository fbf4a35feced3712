import { runIdLabel, runSlugOf, workloadNamespace } from '../../clusters/kind/naming.ts';
import { loneBackendApp, loneBackendNodePort } from '../../clusters/kind/workloads.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { versions } from '../../versions.ts';
import { defineBehaviour } from '../check.ts';
import { kubeOf } from '../kube-actions.ts';
import { cni, feature } from '../requirements.ts';
import { CONFIG_CONTROL_TIMEOUT_MS, DOCS, agentStatuses, setConfig } from './agents.ts';

export const REQUESTS = 5;

/** One request from outside the cluster to the lone backend's NodePort on a node that does not run it. */
export interface ExternalRequests {
  /** The client container's own address on the kind network. */
  client?: string;
  target: { node: string; address: string };
  backend: { pod: string; node: string };
  /** Per request: the source address the backend reported ("client"), the pod that answered, or what failed. */
  replies: { seenClient?: string; pod?: string; error?: string }[];
}

export interface DsrObservation {
  agents: { pod: string; mode?: string; dsrDispatch?: string }[];
  external?: ExternalRequests;
  /** Why no external request could be made (no backend pod, every node runs it, docker run failed). */
  externalError?: string;
}

/**
 * DSR holds: every agent reports `Mode: DSR`, and a request from outside the cluster to a NodePort on a node without
 * the backend reaches the backend on another node with the client's own source address (with SNAT the backend sees
 * the first node's address instead; docs: DOCS.dsr).
 */
export function expectDsr(v: DsrObservation): string[] {
  const problems = v.agents
    .filter((a) => a.mode !== 'DSR')
    .map((a) => `agent ${a.pod}: load-balancer Mode is ${a.mode ?? 'not reported'}, expected DSR; set loadBalancer.mode=dsr with routingMode=native`);
  if (v.agents.length === 0) problems.push('no cilium agent was probed');
  if (v.externalError || !v.external) {
    problems.push(`no request from outside the cluster was made: ${v.externalError ?? 'no observation'}`);
    return problems;
  }
  const e = v.external;
  const to = `NodePort ${e.target.address}:${loneBackendNodePort} on ${e.target.node}`;
  if (!e.client) problems.push('the outside client did not report its own address (ip -4 -o addr show dev eth0)');
  if (e.target.node === e.backend.node) problems.push(`${to} runs the backend ${e.backend.pod} itself: nothing was forwarded between nodes`);
  e.replies.forEach((r, i) => {
    if (r.error) problems.push(`request ${i + 1} from ${e.client ?? 'the outside client'} to ${to} failed: ${r.error}`);
    else if (r.seenClient !== e.client) problems.push(`backend ${r.pod ?? '?'} on ${e.backend.node} saw ${r.seenClient ?? 'no address'} for a request from ${e.client ?? '?'} to ${to}: the source was rewritten (SNAT), expected DSR to keep it`);
    else if (r.pod !== e.backend.pod) problems.push(`request ${i + 1} to ${to} was answered by ${r.pod ?? '?'}, expected the lone backend ${e.backend.pod}`);
  });
  if (e.replies.length === 0) problems.push(`no request was sent to ${to}`);
  return problems;
}

/**
 * The outside client: a throwaway container on kind's Docker network ("kind", kind
 * pkg/cluster/internal/providers/docker/network.go@v0.32.0 fixedNetworkName), started through the cluster's `docker`
 * tool (host or toolbox). It prints its own eth0 address, then one line per request: the reply body or the curl exit.
 */
export function outsideClientArgv(url: string, cluster: string, requests = REQUESTS): string[] {
  const script = `ip -4 -o addr show dev eth0; for i in $(seq ${requests}); do curl -s -m 5 ${url} || echo "curl exit $?"; echo; done`;
  // Labelled like the run's workloads (run-id slug from the cluster name), so what a killed run leaves can be found.
  const labels = ['--label', 'app.kubernetes.io/part-of=cni-conformance', ...(runSlugOf(cluster) ? ['--label', `${runIdLabel}=${runSlugOf(cluster)}`] : [])];
  return ['docker', 'run', '--rm', '--network', 'kind', ...labels, versions.testImages.netshoot, 'sh', '-c', script];
}

/** Reads the outside client's output: its address from `ip -o addr`, then each reply's "client" and "pod". */
export function readOutsideClient(text: string): { client?: string; replies: ExternalRequests['replies'] } {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const client = /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(lines.find((l) => /\binet /.test(l)) ?? '')?.[1];
  const replies = lines.filter((l) => !/\binet /.test(l)).map((l) => {
    if (l.startsWith('curl exit')) return { error: l };
    try {
      const body = JSON.parse(l) as { client?: unknown; pod?: unknown };
      return { ...(typeof body.client === 'string' ? { seenClient: body.client } : {}), ...(typeof body.pod === 'string' ? { pod: body.pod } : {}) };
    } catch {
      return { error: `not a probe reply: ${l.slice(0, 120)}` };
    }
  });
  return { ...(client ? { client } : {}), replies };
}

async function externalRequests(cluster: ClusterHandle): Promise<{ raw: Record<string, string>; value: Pick<DsrObservation, 'external' | 'externalError'> }> {
  const [backend] = await kubeOf(cluster).pods(workloadNamespace, `app=${loneBackendApp}`);
  if (!backend) return { raw: {}, value: { externalError: `no pod app=${loneBackendApp} in ${workloadNamespace}; the profile's workloads must include lone-backend` } };
  const target = cluster.nodes.find((n) => n.name !== backend.node && n.addresses[0]);
  if (!target) return { raw: {}, value: { externalError: `every node runs ${backend.name}: no node without the backend to send to` } };
  const address = target.addresses[0]!;
  const argv = outsideClientArgv(`http://${address}:${loneBackendNodePort}/`, cluster.name);
  const r = await kubeOf(cluster).run(argv, { timeoutMs: 120_000 });
  const raw = { [`outside client (docker run --network kind): curl ${address}:${loneBackendNodePort} x${REQUESTS}`]: r.stdout + r.stderr };
  if (r.exitCode !== 0) return { raw, value: { externalError: `docker run exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(0, 300)}` } };
  const { client, replies } = readOutsideClient(r.stdout);
  return { raw, value: { external: { ...(client ? { client } : {}), target: { node: target.name, address }, backend: { pod: backend.name, node: backend.node }, replies } } };
}

export const cDsr1 = defineBehaviour<DsrObservation>({
  id: 'C-DSR-1',
  title: 'DSR load balancing',
  docs: DOCS.dsr,
  requires: [cni('cilium'), feature('dsr', 'cilium-config bpf-lb-mode=dsr (loadBalancer.mode=dsr)')],
  needs: [
    { kind: 'service', name: loneBackendApp, type: 'NodePort', app: loneBackendApp, nodePort: loneBackendNodePort },
    { kind: 'node-without-backend', app: loneBackendApp },
  ],
  timeoutMs: CONFIG_CONTROL_TIMEOUT_MS,
  async probe(cluster) {
    const statuses = await agentStatuses(cluster, true);
    const outside = await externalRequests(cluster);
    return {
      raw: { ...statuses.raw, ...outside.raw },
      value: { agents: statuses.value.map((a) => ({ pod: a.pod, ...a.status.kprDetails })), ...outside.value },
    };
  },
  expect: expectDsr,
  negativeControls: [
    {
      name: 'load balancer back to SNAT',
      owner: {
        owner: 'nobody (ConfigMap kube-system/cilium-config)', reverts: 'never', breakage: 'changes',
        why: 'cilium config set rewrites cilium-config and restarts the agents; Helm rendered it once at install and no operator reconciles it',
      },
      apply: (cluster) => setConfig(cluster, 'bpf-lb-mode', 'snat', 'dsr'),
      expectFailure: /load-balancer Mode is SNAT, expected DSR[\s\S]*saw [\d.]+ for a request from [\d.]+ .*the source was rewritten/,
    },
  ],
});
