import { pollUntilDone } from '../../helpers/probes/poll.ts';
import { POD_TCP_PORT, POD_UDP_PORT } from '../../helpers/probes/traffic.ts';
import { tcpNameServer } from '../../helpers/probes/tcp-name-server.ts';
import { udpNameServer } from '../../helpers/probes/udp-name-server.ts';
import type { PodHandle } from '../types.ts';
import type { LabNode, LabPodSpec } from './types.ts';

/** Where a node keeps its pods' server replies and logs. */
const SERVER_DIR = '/run/cnc-pods';

/** A pod handle: commands run in the pod's netns on its node. */
export function labPod(spec: LabPodSpec, node: LabNode): PodHandle {
  return {
    name: spec.name,
    namespace: 'default',
    node: spec.node,
    addresses: [spec.address],
    labels: spec.labels ?? {},
    exec: (argv) => node.exec(['ip', 'netns', 'exec', spec.name, ...argv]),
  };
}

/** The HTTP response the pod's TCP server sends: a JSON body naming the pod, as the kind probe pods answer. */
export function podHttpResponse(pod: string): string {
  const body = `${JSON.stringify({ pod })}\n`;
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

const shellWord = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;

/**
 * The shell lines that start a pod's servers in its netns: TCP 8080 answers HTTP with {"pod":"<name>"},
 * UDP 8081 answers any datagram with "<name>\n" (the shared pod-server contract). `setsid -f` detaches them
 * from the exec, so they live as long as the node container (docker-init reaps them) and die with it.
 * Each is one Perl process (helpers/probes/tcp-name-server.ts and udp-name-server.ts say why not socat).
 */
export function podServerCommands(pod: string): string[] {
  const dir = `${SERVER_DIR}/${pod}`;
  return [
    `mkdir -p ${dir}`,
    `setsid -f ip netns exec ${pod} ${tcpNameServer(POD_TCP_PORT, `${dir}/http`).map(shellWord).join(' ')} </dev/null >${dir}/tcp.log 2>&1`,
    `setsid -f ip netns exec ${pod} ${udpNameServer(POD_UDP_PORT, pod).map(shellWord).join(' ')} </dev/null >${dir}/udp.log 2>&1`,
  ];
}

/**
 * Lets root's ping use ICMP datagram sockets in the pod (iputils tries them first and falls back to raw sockets on
 * EACCES): the kernel hands each one only its own replies. A raw socket gets a copy of every ICMP packet the netns
 * receives until ping installs its filter, so with a dozen 2 ms bursts from one pod a ping that was descheduled at its
 * start could overflow its receive buffer and lose its own replies (seen here once in about 225 X-POD-1 checks). The
 * packets on the wire are the same echo requests.
 */
export function podPingSocketsLine(pod: string): string {
  return `ip netns exec ${pod} sysctl -qw 'net.ipv4.ping_group_range=0 0'`;
}

/** Creates the pod's network namespace with loopback up and its TCP/UDP servers listening; the datapath plugs its interface. */
export async function createPodNetns(spec: LabPodSpec, node: LabNode): Promise<void> {
  await node.sh([`ip netns add ${spec.name}`, `ip -n ${spec.name} link set lo up`, podPingSocketsLine(spec.name)]);
  await node.writeFile(`${SERVER_DIR}/${spec.name}/http`, podHttpResponse(spec.name));
  await node.writeFile(`${SERVER_DIR}/${spec.name}/name`, `${spec.name}\n`);
  await node.sh(podServerCommands(spec.name));
  await pollUntilDone(`pod ${spec.name} on ${node.name}: servers listening`, async () => {
    const r = await node.exec(['ip', 'netns', 'exec', spec.name, 'ss', '-Hlntu']);
    return listeningProblems(r.stdout);
  }, 5_000, 20);
}

/** Which of the pod servers' sockets `ss -Hlntu` does not show yet. */
export function listeningProblems(ss: string): string[] {
  const has = (proto: string, port: number) => ss.split('\n').some((l) => l.startsWith(proto) && new RegExp(`:${port}\\s`).test(l));
  return [
    ...(has('tcp', POD_TCP_PORT) ? [] : [`TCP ${POD_TCP_PORT} listening`]),
    ...(has('udp', POD_UDP_PORT) ? [] : [`UDP ${POD_UDP_PORT} bound`]),
  ];
}
