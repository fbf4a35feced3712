import type { ClusterHandle, Executor } from '../../clusters/types.ts';
import { pollUntilDone } from '../../helpers/probes/poll.ts';
import { defineBehaviour } from '../check.ts';
import { provider } from '../requirements.ts';

/** The probe workload every kind plan deploys (clusters/kind/workloads.ts): pods answer {"pod":"<name>"}. */
const NAMESPACE = 'cni-conformance';
const CLUSTER_IP_URL = `http://probe.${NAMESPACE}.svc.cluster.local/`;
const NODE_PORT = 30080;
const REQUESTS = 5;

export interface ServiceReplies {
  path: 'ClusterIP from a pod' | 'NodePort from a node';
  from: string;
  url: string;
  answered: number;
  sent: number;
  /** Pods that answered, from the reply bodies. */
  backends: string[];
}

async function requests(on: Executor, url: string): Promise<{ answered: number; backends: string[]; raw: string }> {
  const bodies: string[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const r = await on.exec(['curl', '-s', '-m', '3', url]);
    bodies.push(r.exitCode === 0 ? r.stdout.trim() : `(curl exit ${r.exitCode}) ${r.stderr.trim()}`);
  }
  const backends = bodies.map((b) => /"pod":"([^"]+)"/.exec(b)?.[1]).filter((b): b is string => !!b);
  return { answered: backends.length, backends: [...new Set(backends)], raw: bodies.join('\n') };
}

/** X-SVC-1: a pod reaches a ClusterIP service, and a node reaches a NodePort, every time. */
export const xSvc1 = defineBehaviour<ServiceReplies[]>({
  id: 'X-SVC-1',
  title: 'pod to ClusterIP service, and to NodePort from a node',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/service/',
  requires: [provider('kind', 'attach')],
  needs: [
    { kind: 'pods-on-nodes', count: 1 },
    { kind: 'service', name: 'probe', type: 'ClusterIP', app: 'probe' },
    { kind: 'service', name: 'probe-nodeport', type: 'NodePort', app: 'probe', nodePort: NODE_PORT },
  ],
  async probe(cluster) {
    const client = cluster.pods.find((p) => p.labels.app === 'probe');
    const node = cluster.nodes.find((n) => n.role === 'worker') ?? cluster.nodes[0];
    if (!client || !node) throw new Error(`X-SVC-1 needs a probe pod (namespace ${NAMESPACE}, app=probe) and a node; found ${cluster.pods.length} pods, ${cluster.nodes.length} nodes`);
    const nodeUrl = `http://${node.addresses[0] ?? '127.0.0.1'}:${NODE_PORT}/`;
    const [viaService, viaNodePort] = await Promise.all([requests(client, CLUSTER_IP_URL), requests(node, nodeUrl)]);
    return {
      raw: { [`${client.name}: curl ${CLUSTER_IP_URL} x${REQUESTS}`]: viaService.raw, [`${node.name}: curl ${nodeUrl} x${REQUESTS}`]: viaNodePort.raw },
      value: [
        { path: 'ClusterIP from a pod', from: client.name, url: CLUSTER_IP_URL, answered: viaService.answered, sent: REQUESTS, backends: viaService.backends },
        { path: 'NodePort from a node', from: node.name, url: nodeUrl, answered: viaNodePort.answered, sent: REQUESTS, backends: viaNodePort.backends },
      ],
    };
  },
  expect: (paths) => paths.filter((p) => p.answered < p.sent).map((p) => `${p.path} (${p.from} -> ${p.url}): ${p.answered} of ${p.sent} requests answered`),
  negativeControls: [
    {
      name: 'services select no pods',
      owner: {
        owner: 'nobody (the harness\'s own Services)', reverts: 'never', breakage: 'changes',
        why: 'the plan applies the probe Services once with kubectl; no controller reconciles their selectors',
      },
      expectFailure: /ClusterIP from a pod .*: 0 of \d+ requests answered[\s\S]*NodePort from a node .*: 0 of \d+ requests answered/,
      async apply(cluster) {
        await setSelector(cluster, 'cni-conformance-nothing');
        // The datapath follows the Service within seconds: poll until no request answers on either path.
        await pollUntilDone('ClusterIP and NodePort answering no request after the selectors were emptied', async () =>
          (await xSvc1.probe(cluster)).value.filter((p) => p.answered > 0).map((p) => `${p.path}: ${p.answered} of ${p.sent} still answered`), 60_000, 1_000);
        return {
          what: 'services probe and probe-nodeport select app=cni-conformance-nothing',
          async undo() {
            await setSelector(cluster, 'probe');
            await pollUntilDone('ClusterIP and NodePort answering every request after the selectors were restored', async () =>
              xSvc1.expect((await xSvc1.probe(cluster)).value), 90_000, 1_000);
          },
        };
      },
    },
  ],
});

async function setSelector(cluster: ClusterHandle, app: string): Promise<void> {
  const kube = cluster.kube;
  if (!kube) throw new Error(`cluster "${cluster.name}": X-SVC-1's negative control needs Kubernetes actions`);
  for (const svc of ['probe', 'probe-nodeport']) {
    const r = await kube.run(['kubectl', '-n', NAMESPACE, 'patch', 'service', svc, '--type', 'merge', '-p', JSON.stringify({ spec: { selector: { app } } })]);
    if (r.exitCode !== 0) throw new Error(`failed to patch service ${svc} selector to app=${app}: ${r.stderr.trim()}`);
  }
}
