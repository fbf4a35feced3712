import { versions } from '../../versions.ts';
import { runIdLabel, runSlug, workloadNamespace } from './naming.ts';
import type { WorkloadSet } from './types.ts';

/** Port our probe and rebel-base servers answer HTTP on. */
export const probePort = 8080;
export const probeNodePort = 30080;

type Manifest = Record<string, unknown>;

/**
 * Answers every HTTP request with the JSON in $BODY (rendered once at start, so $HOSTNAME expands).
 * The body goes through a file: socat would split a SYSTEM command at its commas.
 */
function httpServer(body: string): string[] {
  const script = [
    `printf '%s\\n' "${body}" > /tmp/body`,
    `exec socat TCP-LISTEN:${probePort},fork,reuseaddr SYSTEM:'printf "HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nConnection: close\\r\\n\\r\\n"; cat /tmp/body'`,
  ].join('\n');
  return ['sh', '-c', script];
}

function labels(runId: string, app: string): Record<string, string> {
  return { app, 'app.kubernetes.io/part-of': 'cni-conformance', [runIdLabel]: runSlug(runId) };
}

function namespace(runId: string, name = workloadNamespace): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: labels(runId, 'cni-conformance') } };
}

/** K-POOL-1: namespace of the pods started after the pool migration, their label, and the pool they must come from. */
export const poolNamespace = 'conformance-pool';
export const poolProbeApp = 'pool-probe';
export const migrationPool = { name: 'conformance-pool-26', cidr: '10.245.0.0/16', blockSize: 26 } as const;

/** K-IPAM-1: the pod (Deployment, so deleting the pod brings it back at the same address) asking for a fixed address. */
export const fixedIpApp = 'fixed-ip';
export const fixedIpAnnotation = 'cni.projectcalico.org/ipAddrs';

/** An address inside an IPv4 CIDR (prefix /16 or shorter): the third octet 200, the fourth 10, e.g. 10.245.200.10. */
export function fixedAddressIn(cidr: string): string {
  const [net = '', bits = ''] = cidr.split('/');
  const octets = net.split('.').map(Number);
  if (octets.length !== 4 || Number(bits) > 16) throw new Error(`pool ${cidr}: need an IPv4 /16 or shorter to place the fixed address`);
  return `${octets[0]}.${octets[1]}.200.10`;
}

/** Deployment whose pods sleep: for behaviours that only read their addresses. */
function sleeper(runId: string, name: string, ns: string, replicas: number, annotations: Record<string, string> = {}): Manifest {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: ns, labels: labels(runId, name) },
    spec: {
      replicas,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: labels(runId, name), annotations },
        spec: { containers: [{ name, image: versions.testImages.netshoot, imagePullPolicy: 'IfNotPresent', command: ['sleep', 'infinity'] }] },
      },
    },
  };
}

/** Pods started in namespace conformance-pool after the migration (one per node of a 3-node cluster). */
export function poolMigrationManifests(runId: string): Manifest[] {
  return JSON.parse(JSON.stringify([namespace(runId, poolNamespace), sleeper(runId, poolProbeApp, poolNamespace, 3)])) as Manifest[];
}

/** The fixed-ip Deployment asking Calico IPAM for `address`. */
export function fixedIpManifests(runId: string, address: string): Manifest[] {
  return JSON.parse(JSON.stringify([namespace(runId), sleeper(runId, fixedIpApp, workloadNamespace, 1, { [fixedIpAnnotation]: JSON.stringify([address]) })])) as Manifest[];
}

function container(name: string, command: string[]): Manifest {
  return {
    name,
    image: versions.testImages.netshoot,
    imagePullPolicy: 'IfNotPresent',
    command,
    ports: [{ containerPort: probePort, name: 'http' }],
    readinessProbe: { tcpSocket: { port: probePort }, periodSeconds: 2 },
    securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
  };
}

/** One probe pod per node (control plane included) serving its name, plus ClusterIP and NodePort services. */
function probes(runId: string): Manifest[] {
  const meta = { namespace: workloadNamespace, labels: labels(runId, 'probe') };
  return [
    {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'probe', ...meta },
      spec: {
        selector: { matchLabels: { app: 'probe' } },
        template: {
          metadata: { labels: labels(runId, 'probe') },
          spec: {
            tolerations: [{ operator: 'Exists' }],
            containers: [container('probe', httpServer('{\\"pod\\":\\"$HOSTNAME\\"}'))],
          },
        },
      },
    },
    service('probe', runId, 'ClusterIP'),
    { ...service('probe-nodeport', runId, 'NodePort', 'probe') },
  ];
}

function service(name: string, runId: string, type: 'ClusterIP' | 'NodePort', app = name, annotations: Record<string, string> = {}): Manifest {
  const port: Record<string, unknown> = { name: 'http', port: 80, targetPort: probePort };
  if (type === 'NodePort') port['nodePort'] = probeNodePort;
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, namespace: workloadNamespace, labels: labels(runId, app), annotations },
    spec: { type, selector: { app }, ports: [port] },
  };
}

/** rebel-base: answers with its Cilium cluster name; its Service is global (service.cilium.io/global). */
function rebelBase(runId: string, clusterLabel: string): Manifest[] {
  return [
    {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'rebel-base', namespace: workloadNamespace, labels: labels(runId, 'rebel-base') },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'rebel-base' } },
        template: {
          metadata: { labels: labels(runId, 'rebel-base') },
          spec: { containers: [container('rebel-base', httpServer(`{\\"Galaxy\\":\\"Alderaan\\",\\"Cluster\\":\\"${clusterLabel}\\",\\"pod\\":\\"$HOSTNAME\\"}`))] },
        },
      },
    },
    service('rebel-base', runId, 'ClusterIP', 'rebel-base', { 'service.cilium.io/global': 'true' }),
  ];
}

/** x-wing: the client that calls rebel-base. */
function xWing(runId: string): Manifest[] {
  return [{
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'x-wing', namespace: workloadNamespace, labels: labels(runId, 'x-wing') },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'x-wing' } },
      template: {
        metadata: { labels: labels(runId, 'x-wing') },
        spec: { containers: [{ ...container('x-wing', ['sleep', 'infinity']), readinessProbe: undefined, ports: [] }] },
      },
    },
  }];
}

/** Manifests for the workload sets of one cluster; `clusterLabel` is what rebel-base reports (Cilium cluster.name). */
export function workloadManifests(runId: string, sets: readonly WorkloadSet[], clusterLabel: string): Manifest[] {
  const out: Manifest[] = [namespace(runId)];
  for (const set of sets) {
    // pool-migration and fixed-ip need Calico resources first: the plan applies them as their own steps.
    if (set === 'probes') out.push(...probes(runId));
    if (set === 'rebel-base') out.push(...rebelBase(runId, clusterLabel));
    if (set === 'x-wing') out.push(...xWing(runId));
  }
  return JSON.parse(JSON.stringify(out)) as Manifest[];
}

/** kubectl wait targets that mean "workloads ready" for these sets. */
export function workloadWaitTargets(sets: readonly WorkloadSet[]): string[] {
  return sets.flatMap((set) => (set === 'probes' ? ['daemonset/probe'] : set === 'rebel-base' || set === 'x-wing' ? [`deployment/${set}`] : []));
}
