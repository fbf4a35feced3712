import { UDP_NAME_SERVER_SCRIPT } from '../../helpers/probes/udp-name-server.ts';
import { versions } from '../../versions.ts';
import { runIdLabel, runSlug, workloadNamespace } from './naming.ts';
import type { WorkloadSet } from './types.ts';

/** Ports every probe pod answers (BRIEF "Pod servers"): HTTP on TCP 8080, its name on UDP 8081. */
export const probePort = 8080;
export const probeUdpPort = 8081;
export const probeNodePort = 30080;
/** C-DSR-1: NodePort of the single-backend service, so a request can land on a node without the backend. */
export const loneBackendApp = 'lone-backend';
export const loneBackendNodePort = 30090;

type Manifest = Record<string, unknown>;

/**
 * The pod servers: two reply scripts written at start, then socat with `EXEC:<script>`, so no command is nested
 * inside socat's address syntax (SYSTEM: would need quoting that socat itself parses; socat(1) ADDRESS TYPES).
 * socat gives each forked child the peer in $SOCAT_PEERADDR (socat(1) ENVIRONMENT VARIABLES), which the HTTP reply
 * reports as "client" (C-DSR-1 reads it). The HTTP script reads the request head before answering, so closing
 * never resets a connection with unread data; UDP 8081 is one Perl process answering each datagram. `$POD_NAME` comes from the downward API; `extra` is more JSON fields.
 * If the UDP server dies it takes the container down ($$ is the shell that `exec` turns into the TCP server).
 */
export function podServerScript(extra = ''): string {
  if (/['%\\\n]/.test(extra)) throw new Error(`pod server JSON fields ${extra}: must not contain quotes, % or backslashes`);
  return [
    String.raw`cat > /tmp/http-reply <<'EOF'`,
    String.raw`#!/bin/sh`,
    String.raw`cr=$(printf '\r')`,
    String.raw`while IFS= read -r line; do case "$line" in ''|"$cr") break ;; esac; done`,
    String.raw`body=$(printf '{"pod":"%s","client":"%s"` + extra + String.raw`}' "$POD_NAME" "$SOCAT_PEERADDR")`,
    String.raw`printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n%s\n' "$body"`,
    String.raw`EOF`,
    String.raw`chmod +x /tmp/http-reply`,
    // One Perl process, no fork (helpers/probes/udp-name-server.ts says why not socat); the script has no single quote.
    `(perl -MIO::Socket::INET -e '${UDP_NAME_SERVER_SCRIPT}' ${probeUdpPort} "$POD_NAME"; kill $$) &`,
    `exec socat TCP-LISTEN:${probePort},fork,reuseaddr EXEC:/tmp/http-reply`,
  ].join('\n');
}

function httpServer(extra = ''): string[] {
  return ['sh', '-c', podServerScript(extra)];
}

function labels(runId: string, app: string): Record<string, string> {
  return { app, 'app.kubernetes.io/part-of': 'cni-conformance', [runIdLabel]: runSlug(runId) };
}

/**
 * The label of every pod that serves the probe ports (TCP 8080 HTTP naming the pod, UDP 8081 replying its name): set by
 * `serverTemplate`, the one builder of such pods, so a pod that only sleeps (fixed-ip, pool-probe, x-wing) never has it.
 * `cluster.pods` are the pods it selects (probeServerSelector): X-POD-1 pairs, K-GW-1 peers and the controls that put
 * rules in a target pod take no pod that cannot answer.
 */
export const probeServerLabel = { 'cni-conformance/probe-server': 'true' } as const;
export const probeServerSelector = Object.entries(probeServerLabel).map(([k, v]) => `${k}=${v}`).join(',');

/** A pod template running the pod servers in one container (`extra`: more JSON fields of the reply), labelled as a probe server. */
function serverTemplate(podLabels: Record<string, string>, name: string, extra = '', podSpec: Manifest = {}): Manifest {
  return { metadata: { labels: { ...podLabels, ...probeServerLabel } }, spec: { ...podSpec, containers: [container(name, httpServer(extra))] } };
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

/** The pod's own name for the servers (downward API), rather than $HOSTNAME, which the image may not export. */
const podNameEnv = { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } };

function container(name: string, command: string[]): Manifest {
  return {
    name,
    image: versions.testImages.netshoot,
    imagePullPolicy: 'IfNotPresent',
    command,
    env: [podNameEnv],
    ports: [{ containerPort: probePort, name: 'http' }, { containerPort: probeUdpPort, name: 'udp', protocol: 'UDP' }],
    readinessProbe: { tcpSocket: { port: probePort }, periodSeconds: 2 },
    securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
  };
}

/**
 * A probe DaemonSet: one pod on every node, control plane included (the toleration matches kind's control-plane taint).
 * Each set has its own selector label (`probe-set`): two DaemonSets must not select each other's pods.
 */
function probeDaemonSet(runId: string, name: string, set: string): Manifest {
  const podLabels = { ...labels(runId, 'probe'), 'probe-set': set };
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: workloadNamespace, labels: labels(runId, 'probe') },
    spec: {
      selector: { matchLabels: { app: 'probe', 'probe-set': set } },
      template: serverTemplate(podLabels, 'probe', '', { tolerations: [{ operator: 'Exists' }] }),
    },
  };
}

/** The probe DaemonSets: two, so every node runs two probe pods (X-POD-1's same-node pairs) and every node has one to reach. */
export const probeDaemonSets = ['probe', 'probe-b'] as const;

/**
 * Two probe pods per node (control plane included) serving their names, plus ClusterIP and NodePort services over all of them.
 * DaemonSet pods are placed one per eligible node by the DaemonSet controller, not by kube-scheduler's spreading, so the
 * count per node is certain (a Deployment's replicas would be spread across nodes by the default PodTopologySpread).
 */
function probes(runId: string): Manifest[] {
  return [
    probeDaemonSet(runId, probeDaemonSets[0], 'a'),
    probeDaemonSet(runId, probeDaemonSets[1], 'b'),
    service('probe', runId, 'ClusterIP'),
    service('probe-nodeport', runId, 'NodePort', 'probe', {}, probeNodePort),
  ];
}

/**
 * C-DSR-1: one pod serving HTTP behind a NodePort. One replica on a 3-node cluster leaves nodes without the backend, so a
 * request to such a node's NodePort is forwarded to another node: with DSR the backend sees the client's own address.
 */
function loneBackend(runId: string): Manifest[] {
  return [
    {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: loneBackendApp, namespace: workloadNamespace, labels: labels(runId, loneBackendApp) },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: loneBackendApp } },
        template: serverTemplate(labels(runId, loneBackendApp), loneBackendApp),
      },
    },
    service(loneBackendApp, runId, 'NodePort', loneBackendApp, {}, loneBackendNodePort),
  ];
}

function service(name: string, runId: string, type: 'ClusterIP' | 'NodePort', app = name, annotations: Record<string, string> = {}, nodePort?: number): Manifest {
  const port: Record<string, unknown> = { name: 'http', port: 80, targetPort: probePort };
  if (type === 'NodePort') port['nodePort'] = nodePort;
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
        template: serverTemplate(labels(runId, 'rebel-base'), 'rebel-base', `,"Galaxy":"Alderaan","Cluster":"${clusterLabel}"`),
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
    if (set === 'lone-backend') out.push(...loneBackend(runId));
  }
  return JSON.parse(JSON.stringify(out)) as Manifest[];
}

/** kubectl wait targets that mean "workloads ready" for these sets. */
export function workloadWaitTargets(sets: readonly WorkloadSet[]): string[] {
  return sets.flatMap((set) => {
    if (set === 'probes') return probeDaemonSets.map((name) => `daemonset/${name}`);
    if (set === 'rebel-base' || set === 'x-wing' || set === 'lone-backend') return [`deployment/${set}`];
    return [];
  });
}
