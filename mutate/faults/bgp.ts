import type { ClusterHandle, NodeHandle } from '../../clusters/types.ts';
import { parseBirdProtocols } from '../../helpers/parsers/birdc-protocols.ts';
import type { Breakage } from '../../suites/types.ts';
import type { Fault } from '../types.ts';
import { sh, waitFor } from '../exec.ts';
import { daemonProcess, livePids, remotePod, trafficTarget } from '../targets.ts';

const CALICO_BGP_PROFILES = ['calico-bgp-mesh', 'calico-bgp-rr'] as const;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const flag = (argv: string[], f: string) => { const i = argv.indexOf(f); return i >= 0 ? argv[i + 1] : undefined; };

/** The running BIRD of a node: config file and control socket from its command line, and its major version. */
async function bird(node: NodeHandle): Promise<{ config: string; socket: string; v1: boolean }> {
  const { argv } = await daemonProcess(node, 'bird');
  const config = flag(argv, '-c') ?? '/etc/bird/bird.conf';
  const socket = flag(argv, '-s') ?? '/run/bird/bird.ctl';
  const version = await node.exec(['bird', '--version']);
  return { config, socket, v1: /BIRD version 1\./.test(version.stdout + version.stderr) };
}

/** Appends a block to BIRD's config and reconfigures; undo puts the saved config back. Both wait for `settled`. */
async function extendBird(node: NodeHandle, block: (v1: boolean) => string, what: string, settled: { applied: () => Promise<boolean>; undone: () => Promise<boolean> }): Promise<Breakage> {
  const b = await bird(node);
  const saved = await sh(node, `cat ${b.config}`);
  const configure = async () => {
    const r = await node.exec(['birdc', '-s', b.socket, 'configure']);
    if (r.exitCode !== 0 || !/Reconfigur/.test(r.stdout)) throw new Error(`${node.name}: birdc configure: ${(r.stdout + r.stderr).trim()}`);
  };
  await sh(node, `cat >> ${b.config} <<'CC_EOF'\n${block(b.v1)}\nCC_EOF`);
  await configure();
  await waitFor(`${node.name}: ${what}`, settled.applied, 30_000);
  return {
    what: `${node.name}: ${what}`,
    async undo() {
      await sh(node, `cat > ${b.config} <<'CC_EOF'\n${saved.endsWith('\n') ? saved : `${saved}\n`}CC_EOF`);
      await configure();
      await waitFor(`${node.name}: ${what} undone`, settled.undone, 30_000);
    },
  };
}

async function protocolInfo(node: NodeHandle, name: string): Promise<string | undefined> {
  const b = await bird(node);
  const r = await node.exec(['birdc', '-s', b.socket, 'show', 'protocols']);
  if (r.exitCode !== 0) return undefined;
  return parseBirdProtocols(r.stdout).protocols.find((p) => p.name === name)?.info;
}

/** `10.244.0.74` -> `10.244.0.64/28`. */
function slash28(address: string): string {
  const parts = address.split('.').map(Number);
  return `${parts.slice(0, 3).join('.')}.${parts[3]! & 0xf0}/28`;
}

/** Stops a process with SIGTERM and waits until no live one is left; returns how to start it again as it ran. */
async function stopProcess(node: NodeHandle, name: string): Promise<() => Promise<void>> {
  const { argv } = await daemonProcess(node, name);
  await sh(node, `pkill -TERM -x ${name}`);
  await waitFor(`${node.name}: no live ${name} process`, async () => (await livePids(node, name)).length === 0);
  return async () => {
    await sh(node, argv.map(quote).join(' '));
    await waitFor(`${node.name}: ${name} running`, async () => (await livePids(node, name)).length > 0);
  };
}

/**
 * Stops a routing daemon with SIGTERM (it withdraws its routes); undo starts it again with its own command line.
 * FRR's watchfrr would restart the daemon at once, so it is stopped first and started again last.
 */
function stopDaemon(id: string, name: string, profiles: readonly string[], nodeOf: (c: ClusterHandle) => NodeHandle): Fault {
  return {
    id, title: `the routing daemon ${name} stopped on one node`, class: 'daemon', profiles,
    // Its routes are withdrawn on every node (and its own node loses what it learnt): any routing decision may refuse.
    injectedAt: async (cluster) => cluster.nodes.map((n) => ({ node: n.name, kind: 'route' as const })),
    async apply(cluster) {
      const node = nodeOf(cluster);
      const frr = name !== 'bird';
      const restartWatchfrr = frr && (await livePids(node, 'watchfrr')).length > 0 ? await stopProcess(node, 'watchfrr') : undefined;
      const restart = await stopProcess(node, name);
      return {
        what: `${node.name}: ${name} stopped${restartWatchfrr ? ' (and watchfrr, which would restart it)' : ''}`,
        async undo() {
          await restart();
          // An FRR daemon started alone comes up empty: vtysh -b applies the integrated frr.conf, as frrinit.sh does.
          if (frr) await sh(node, 'vtysh -b >/dev/null');
          await restartWatchfrr?.();
        },
      };
    },
  };
}

export const bgpFaults: Fault[] = [
  stopDaemon('stop-bird', 'bird', CALICO_BGP_PROFILES, (c) => c.node(remotePod(c).node)),
  stopDaemon('stop-bgpd', 'bgpd', ['fund-frr'], (c) => trafficTarget(c).node),
  stopDaemon('stop-ospfd', 'ospfd', ['fund-frr'], (c) => trafficTarget(c).node),
  {
    id: 'extra-bgp-session', title: 'two route-reflector clients also peer directly (a too-wide BGPPeer selector)', class: 'bgp', profiles: ['calico-bgp-rr'],
    injectedAt: async (cluster) => cluster.nodes.slice(-2).map((n) => ({ node: n.name, kind: 'route' as const })),
    async apply(cluster) {
      const [a, b] = cluster.nodes.slice(-2) as [NodeHandle, NodeHandle];
      const name = (peer: NodeHandle) => `Node_${peer.addresses[0]!.split('.').join('_')}_extra`;
      const asOf = async (node: NodeHandle) => /local as (\d+)/.exec(await sh(node, `cat ${(await bird(node)).config}`))?.[1] ?? '64512';
      const block = (peer: NodeHandle, as: string) => () => `protocol bgp ${name(peer)} from bgp_template {\n  neighbor ${peer.addresses[0]} as ${as};\n}`;
      const established = async () => (await protocolInfo(a, name(b)))?.startsWith('Established') === true && (await protocolInfo(b, name(a)))?.startsWith('Established') === true;
      const gone = async (node: NodeHandle, peer: NodeHandle) => (await protocolInfo(node, name(peer))) === undefined;
      const first = await extendBird(a, block(b, await asOf(a)), `BGP session ${name(b)} configured`, { applied: async () => true, undone: () => gone(a, b) });
      let second: Breakage;
      try {
        second = await extendBird(b, block(a, await asOf(b)), `BGP session ${name(a)} Established both ways`, { applied: established, undone: () => gone(b, a) });
      } catch (error) {
        await first.undo();
        throw error;
      }
      return { what: `direct BGP session between ${a.name} and ${b.name}`, async undo() { await second.undo(); await first.undo(); } };
    },
  },
  {
    id: 'overlapping-announcement', title: 'a node also originates a /28 inside another node\'s block', class: 'bgp', profiles: CALICO_BGP_PROFILES,
    // The /28 is a blackhole on its origin, and the nodes that learn it route the victim's pods there: the origin's
    // routing decision drops them, and every other node's (but the victim's) sends them to the origin instead.
    injectedAt: async (cluster) => cluster.nodes.filter((n) => n.name !== remotePod(cluster).node).map((n) => ({ node: n.name, kind: 'route' as const })),
    async apply(cluster) {
      const victim = remotePod(cluster);
      const origin = cluster.nodes.find((n) => n.name !== victim.node)!;
      const prefix = slash28(victim.addresses[0]!);
      const has = async (node: NodeHandle) => (await sh(node, `ip -4 route show ${prefix}`)).trim() !== '';
      // Applied: in the origin's kernel (its static) and learnt by another node; undone: in no node's kernel.
      const learnt = async (present: boolean) => {
        const seen = await Promise.all(cluster.nodes.map(has));
        return present ? seen[cluster.nodes.indexOf(origin)] === true && seen.filter(Boolean).length >= 2 : !seen.some(Boolean);
      };
      const block = (v1: boolean) => `protocol static cc_mutate_overlap {\n${v1 ? '' : '  ipv4;\n'}  route ${prefix} blackhole;\n}`;
      return extendBird(origin, block, `originates ${prefix} (inside the block of ${victim.node})`, { applied: () => learnt(true), undone: () => learnt(false) });
    },
  },
];
