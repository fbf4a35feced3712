import { docker, dockerOrThrow } from '../docker.ts';
import type { LabLink, LabNode, LinkEnd } from './types.ts';

/** A container that only holds a bridge: one multi-access segment. */
export interface SwitchNode {
  segment: string;
  node: LabNode;
}

/**
 * Creates every veth of a topology in one short-lived helper container that sees the host's PIDs,
 * the way containerlab does: each end goes straight into its node's netns, so no name is ever shared.
 */
export async function wireLinks(options: {
  image: string;
  containerName: string;
  labels: Record<string, string>;
  links: LabLink[];
  nodes: Map<string, LabNode>;
  switches: Map<string, SwitchNode>;
}): Promise<void> {
  const { links, nodes, switches } = options;
  const ids = [...nodes.values(), ...[...switches.values()].map((s) => s.node)].map((n) => n.containerId);
  if (ids.length === 0 || links.length === 0) return;
  const pidLines = (await dockerOrThrow(['inspect', '-f', '{{.Id}} {{.State.Pid}}', ...ids])).trim().split('\n');
  const pidOf = new Map(pidLines.map((l) => l.split(' ') as [string, string]));
  const pid = (node: LabNode) => pidOf.get(node.containerId) ?? missing(node.name);
  const nodeOf = (end: LinkEnd) => nodes.get(end.node) ?? missing(end.node);

  const script: string[] = [];
  for (const link of links) {
    if (link.kind === 'p2p') {
      script.push(`ip link add ${link.a.iface} netns ${pid(nodeOf(link.a))} type veth peer name ${link.b.iface} netns ${pid(nodeOf(link.b))}`);
    } else {
      const sw = switches.get(link.name) ?? missing(`switch ${link.name}`);
      link.members.forEach((end, i) => {
        script.push(`ip link add ${end.iface} netns ${pid(nodeOf(end))} type veth peer name port${i} netns ${pid(sw.node)}`);
      });
    }
  }
  const run = await docker([
    'run', '--rm', '--name', options.containerName, '--pid', 'host', '--network', 'none',
    '--cap-add', 'NET_ADMIN', '--cap-add', 'SYS_ADMIN',
    ...Object.entries(options.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    options.image, 'sh', '-ec', script.join('\n'),
  ]);
  if (run.exitCode !== 0) throw new Error(`failed to wire lab links:\n${script.join('\n')}\n--- output ---\n${run.stderr}`);
}

/** Turns each switch's ports into a bridge; multicast snooping off so VXLAN groups flood like a hub. */
export async function bridgeSwitchPorts(sw: SwitchNode, ports: number): Promise<void> {
  await sw.node.sh([
    'ip link add br0 type bridge mcast_snooping 0',
    'ip link set br0 up',
    ...Array.from({ length: ports }, (_, i) => `ip link set port${i} master br0 && ip link set port${i} up`),
  ]);
}

/** Addresses, MTU and link state on the node side of every link end of this node. */
export function linkEndCommands(node: string, links: LabLink[]): string[] {
  const ends = links.flatMap((l) => (l.kind === 'p2p' ? [l.a, l.b] : l.members)).filter((e) => e.node === node);
  return ends.flatMap((end) => [
    ...(end.mtu ? [`ip link set dev ${end.iface} mtu ${end.mtu}`] : []),
    ...(end.address ? [`ip addr add ${end.address} dev ${end.iface}`] : []),
    `ip link set dev ${end.iface} up`,
  ]);
}

/** Every address (without prefix) a node has on its links, in declaration order. */
export function linkAddresses(node: string, links: LabLink[], iface?: string): string[] {
  return links
    .flatMap((l) => (l.kind === 'p2p' ? [l.a, l.b] : l.members))
    .filter((e) => e.node === node && (!iface || e.iface === iface) && e.address)
    .map((e) => e.address!.split('/')[0]!);
}

function missing(what: string): never {
  throw new Error(`failed to wire lab links: ${what} is not a node of this topology`);
}
