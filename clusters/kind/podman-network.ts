import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { engineCli, type EngineCli, type EngineSync } from '../engine.ts';
import { LABEL } from '../labels.ts';

/**
 * kind's podman network, made before `kind create` so that the run can open the host's FORWARD chain for it first.
 * kind names it `kind` and creates it when missing with an IPv6 ULA subnet from sha1("kind" + attempt 0)
 * (pkg/cluster/internal/providers/podman/network.go@v0.32.0 ensureNetwork, createNetwork, generateULASubnetFromName;
 * without IPv6 support it creates it plain). Made here the same way, kind finds it and uses it.
 */
export function kindUlaSubnet(name = 'kind', attempt = 0): string {
  const h = createHash('sha1').update(name);
  const attemptBytes = Buffer.alloc(4);
  attemptBytes.writeInt32LE(attempt);
  const bs = h.update(attemptBytes).digest();
  const ip = Buffer.alloc(16);
  ip[0] = 0xfc; ip[1] = 0x00;
  for (let i = 2; i < 8; i++) ip[i] = bs[i]!;
  const groups = [0, 2, 4, 6].map((i) => ip.readUInt16BE(i).toString(16));
  return `${groups.join(':')}::/64`;
}

export interface PodmanKindNetwork { created: boolean; bridge: string }

/** The `kind` network's bridge, creating the network as kind would when it is missing. */
export async function ensurePodmanKindNetwork(runId: string, cli: EngineCli = engineCli('podman')): Promise<PodmanKindNetwork> {
  let created = false;
  if ((await cli(['network', 'exists', 'kind'])).exitCode !== 0) {
    // Labelled with the run, so that whatever ends the run (teardown, exit hook, the next run's reaper) finds it.
    const label = ['--label', `${LABEL.run}=${runId}`];
    const v6 = await cli(['network', 'create', '-d=bridge', ...label, '--ipv6', '--subnet', kindUlaSubnet(), 'kind']);
    const plain = v6.exitCode === 0 ? v6 : await cli(['network', 'create', '-d=bridge', ...label, 'kind']);
    if (plain.exitCode !== 0) throw new Error(`failed to create the podman network kind as kind does: ${(v6.stderr || plain.stderr).trim()}`);
    created = true;
  }
  const bridge = (await cli(['network', 'inspect', 'kind', '--format', '{{.NetworkInterface}}'])).stdout.trim();
  if (!bridge) throw new Error('the podman network kind names no bridge interface (podman network inspect kind)');
  return { created, bridge };
}

/**
 * The host rule that lets kind nodes route pod traffic to each other across podman's bridge. With br_netfilter on
 * (flannel's bridge needs it), frames between two node containers on that bridge pass the host's FORWARD chain, whose
 * policy is DROP where Docker is installed; netavark 1.4 accepts only packets from or to the network's own subnet
 * (its NETAVARK_FORWARD chain), so a pod packet routed unencapsulated between nodes (flannel host-gw, Calico BGP) is
 * dropped there. Docker's own networks have the same rule (`-i br -o br -j ACCEPT`, icc). Measured here: 0/3
 * cross-node pings under host-gw without it, 3/3 with it. Tagged with the run id; the undo deletes exactly it.
 */
export function intraBridgeRule(bridge: string, runId: string): string[] {
  return ['FORWARD', '-i', bridge, '-o', bridge, '-m', 'comment', '--comment', `cni-conformance run ${runId}: kind nodes route pod traffic`, '-j', 'ACCEPT'];
}

export type HostIptables = (args: string[]) => Promise<{ exitCode: number; stderr: string }>;

const hostIptables: HostIptables = async (args) => {
  const r = await execa('iptables', args, { reject: false });
  return { exitCode: r.exitCode ?? 1, stderr: String(r.stderr ?? '') };
};

/** Inserts the rule (unless present) and returns its undo, which removes it until `-C` no longer finds it. */
export async function allowIntraBridge(bridge: string, runId: string, iptables: HostIptables = hostIptables): Promise<() => Promise<void>> {
  const [chain, ...spec] = intraBridgeRule(bridge, runId);
  if ((await iptables(['-C', chain!, ...spec])).exitCode !== 0) {
    const added = await iptables(['-I', chain!, '1', ...spec]);
    if (added.exitCode !== 0) throw new Error(`failed to allow pod traffic between kind nodes on ${bridge}: iptables -I ${chain} 1 ${spec.join(' ')}: ${added.stderr.trim()}`);
  }
  return async () => {
    for (let i = 0; i < 5 && (await iptables(['-C', chain!, ...spec])).exitCode === 0; i++) await iptables(['-D', chain!, ...spec]);
  };
}

/**
 * Removes the FORWARD rules of the given runs (found by their comment in `iptables -S FORWARD`), for `npm run cleanup`
 * after a run that died before its teardown. Returns how many went; a host without iptables has none.
 */
export function removeForwardRulesSync(runs: readonly string[], iptables: (args: string[]) => string = (args) => execFileSync('iptables', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })): number {
  let listed: string;
  try { listed = iptables(['-S', 'FORWARD']); } catch { return 0; }
  let removed = 0;
  for (const run of runs) {
    const mark = `cni-conformance run ${run}: kind nodes route pod traffic`;
    for (const line of listed.split('\n').filter((l) => l.includes(mark))) {
      const bridge = /-i (\S+) -o \1 /.exec(line)?.[1];
      if (!bridge) continue;
      const [chain, ...spec] = intraBridgeRule(bridge, run);
      try { iptables(['-D', chain!, ...spec]); removed++; } catch { /* gone meanwhile */ }
    }
  }
  return removed;
}

/**
 * Removes the `kind` network when a run made it (its label) and no container uses it any more (`network rm` refuses
 * then). kind never removes it (`kind delete cluster` deletes nodes only): with docker that network is what every kind
 * user has; with podman it is one more bridge and firewall chain on the host, made by this run.
 */
export function removeRunNetworkSync(runId: string, podman: EngineSync): number {
  let names: string[];
  try { names = podman(['network', 'ls', '--filter', `label=${LABEL.run}=${runId}`, '--format', '{{.Name}}']).split('\n').filter(Boolean); } catch { return 0; }
  let removed = 0;
  for (const name of names) { try { podman(['network', 'rm', name]); removed++; } catch { /* in use */ } }
  return removed;
}
