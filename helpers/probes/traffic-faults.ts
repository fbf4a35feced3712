import type { Capabilities, ClusterHandle, Executor, PodHandle } from '../../clusters/types.ts';
import { pollUntilDone } from './poll.ts';
import { POD_TCP_PORT, POD_UDP_PORT } from './traffic.ts';
import type { PodPair } from './workload.ts';

/** A datapath fault a negative control applied, with its undo (structurally a suites/types.ts Breakage). */
export interface Fault {
  what: string;
  undo(): Promise<void>;
}

async function must(on: Executor, where: string, argv: string[]): Promise<string> {
  const r = await on.exec(argv);
  if (r.exitCode !== 0) throw new Error(`${where}: "${argv.join(' ')}" exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
  return r.stdout;
}

/**
 * One iptables rule, inserted first in its chain (or appended), in force once `iptables -C` finds it;
 * the undo deletes exactly that rule and returns once `-C` no longer finds it.
 */
export async function iptablesRule(on: Executor, where: string, rule: IptablesRule): Promise<Fault> {
  const { table, chain, spec } = rule;
  const text = `iptables -t ${table} ${chain} ${spec.join(' ')}`;
  await must(on, where, ['iptables', '-t', table, ...(rule.append ? ['-A', chain] : ['-I', chain, '1']), ...spec]);
  await must(on, `${where}: rule in force`, ['iptables', '-t', table, '-C', chain, ...spec]);
  return {
    what: `${text} on ${where}`,
    async undo() {
      await must(on, where, ['iptables', '-t', table, '-D', chain, ...spec]);
      const left = await on.exec(['iptables', '-t', table, '-C', chain, ...spec]);
      if (left.exitCode === 0) throw new Error(`${where}: ${text} still present after deleting it`);
    },
  };
}

export interface IptablesRule {
  table: 'filter' | 'raw' | 'mangle';
  chain: string;
  spec: string[];
  /** Append instead of inserting first (where a CNI re-inserts its own jump at the top, e.g. Felix). */
  append?: boolean;
}

/** Traffic faults between one pair of pods, each naming what the check must then see. */
export type TrafficFault =
  | { kind: 'drop-tcp' }
  | { kind: 'drop-udp' }
  | { kind: 'loss'; probability: number }
  /** Silently drops IP packets longer than `bytes` (a path that eats big frames without an ICMP error). */
  | { kind: 'drop-above'; bytes: number }
  /**
   * Drops everything to the pair's target pod from every other pod (`sources`). On kind the rule sits in the
   * target pod and names the sources, so that kubelet's readiness probe from the node still passes and the pod
   * stays listed (a NotReady pod dropped from cluster.pods would hide the fault).
   */
  | { kind: 'drop-all-to'; sources: string[] };

/** Where and how a traffic fault is injected: a node (`node`) or a pod's own netns (`pod`), and the rule. */
export interface TrafficFaultPlan {
  on: { node: string } | { pod: string };
  rule: IptablesRule;
  why: string;
}

function matchOf(fault: TrafficFault): string[] {
  switch (fault.kind) {
    case 'drop-tcp': return ['-p', 'tcp', '--dport', String(POD_TCP_PORT)];
    case 'drop-udp': return ['-p', 'udp', '--dport', String(POD_UDP_PORT)];
    case 'loss': return ['-m', 'statistic', '--mode', 'random', '--probability', String(fault.probability)];
    case 'drop-above': return ['-m', 'length', '--length', `${fault.bytes + 1}:65535`];
    case 'drop-all-to': return [];
  }
}

/**
 * Lab: the lab's nodes forward pod traffic through their own netfilter FORWARD hook and no agent owns their
 * chains, so the rule sits on the node that forwards (the source's node; the target's node for drop-all-to).
 * kind/attach: the rule sits in the target pod's own netns (INPUT). Whatever a CNI does on the node (Cilium's
 * bpf_lxc redirects past netfilter, VPP forwards in user space, Felix keeps its jumps first in FORWARD),
 * the packet is delivered into the pod's kernel stack, whose INPUT hook no CNI bypasses.
 */
export function trafficFaultPlan(capabilities: Capabilities, pair: { from: Named; to: Named }, fault: TrafficFault): TrafficFaultPlan {
  const target = `${pair.to.address}/32`;
  const source = `${pair.from.address}/32`;
  const jump = ['-j', 'DROP'];
  if (capabilities.provider === 'lab') {
    const node = fault.kind === 'drop-all-to' ? pair.to.node : pair.from.node;
    return {
      on: { node },
      rule: { table: 'filter', chain: 'FORWARD', spec: ['-d', target, ...matchOf(fault), ...jump] },
      why: `the lab node ${node} forwards the pods' traffic through its FORWARD hook`,
    };
  }
  return {
    on: { pod: pair.to.name },
    // iptables expands a comma-separated -s into one rule per address for -I, -C and -D alike.
    rule: { table: 'filter', chain: 'INPUT', spec: ['-s', fault.kind === 'drop-all-to' ? fault.sources.map((a) => `${a}/32`).join(',') : source, ...matchOf(fault), ...jump] },
    why: `every CNI delivers into pod ${pair.to.name}'s own netns, whose INPUT hook no datapath bypasses`,
  };
}

export interface Named {
  name: string;
  node: string;
  address: string;
}

export const named = (p: { name: string; node: string; addresses: string[] }): Named => ({ name: p.name, node: p.node, address: p.addresses[0] ?? '' });

/** Applies a traffic fault to a pair (see trafficFaultPlan); in force once the rule is found in its chain. */
export async function applyTrafficFault(cluster: ClusterHandle, pair: PodPair, fault: TrafficFault): Promise<Fault> {
  const plan = trafficFaultPlan(cluster.capabilities, { from: named(pair.from), to: named(pair.to) }, fault);
  const where = 'node' in plan.on ? cluster.node(plan.on.node) : cluster.pod(plan.on.pod);
  return iptablesRule(where, 'node' in plan.on ? `node ${plan.on.node}` : `pod ${plan.on.pod}`, plan.rule);
}

/** Forgets learnt path MTUs (`ip route flush cache` also bumps the nexthop-exception generation) on every node and pod. */
export async function flushRouteCaches(cluster: ClusterHandle): Promise<void> {
  const flush = ['ip', 'route', 'flush', 'cache'];
  const inPod = (pod: PodHandle): Executor => ({ exec: (argv) => (cluster.podNetnsExec ? cluster.podNetnsExec(pod, argv) : pod.exec(argv)) });
  await Promise.all([
    ...cluster.nodes.map((node) => flushed(node, `route cache of ${node.name}`, flush)),
    ...cluster.pods.map((pod) => flushed(inPod(pod), `route cache of pod ${pod.name}`, flush)),
  ]);
}

/**
 * `ip route flush cache` that fails when it did not flush: where /proc/sys is read-only it prints `Cannot open
 * "/proc/sys/net/ipv4/route/flush": ...` and exits 0 (iproute2 ip/iproute.c iproute_flush_cache, return value ignored).
 */
async function flushed(on: Executor, where: string, argv: string[]): Promise<void> {
  const r = await on.exec(argv);
  if (r.exitCode !== 0 || /Cannot open/.test(r.stderr)) throw new Error(`${where}: "${argv.join(' ')}" did not flush: ${(r.stderr || r.stdout).trim().slice(0, 300) || `exit ${r.exitCode}`}`);
}

/** The interface carrying a node's first address (its underlay), and that interface's MTU. */
export async function underlayOf(cluster: ClusterHandle, nodeName: string): Promise<{ iface: string; mtu: number }> {
  const node = cluster.node(nodeName);
  const out = await must(node, `node ${nodeName}`, ['ip', '-j', 'addr', 'show']);
  const links = JSON.parse(out) as Array<{ ifname?: string; mtu?: number; addr_info?: Array<{ local?: string }> }>;
  const link = links.find((l) => l.addr_info?.some((a) => a.local && node.addresses.includes(a.local)));
  if (!link?.ifname || !link.mtu) throw new Error(`node ${nodeName}: no interface carries its address (${node.addresses.join(', ')})`);
  return { iface: link.ifname, mtu: link.mtu };
}

/**
 * Lowers a node's underlay MTU: full-size pod packets through it are refused with "Frag needed" or, arriving
 * from the other end of the link, dropped by the veth. The undo restores it and flushes the path MTUs pods learnt.
 */
export async function lowerUnderlayMtu(cluster: ClusterHandle, nodeName: string, by: number): Promise<Fault> {
  const node = cluster.node(nodeName);
  const { iface, mtu } = await underlayOf(cluster, nodeName);
  const set = async (value: number) => {
    await must(node, `node ${nodeName}`, ['ip', 'link', 'set', 'dev', iface, 'mtu', String(value)]);
    await pollUntilDone(`node ${nodeName}: ${iface} MTU ${value}`, async () => ((await underlayOf(cluster, nodeName)).mtu === value ? [] : [`${iface} mtu ${value}`]), 5_000, 50);
  };
  await set(mtu - by);
  return {
    what: `underlay ${iface} of ${nodeName} MTU ${mtu - by} (was ${mtu})`,
    async undo() {
      await set(mtu);
      await flushRouteCaches(cluster);
    },
  };
}
