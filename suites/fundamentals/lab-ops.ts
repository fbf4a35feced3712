import type { Executor, NodeHandle } from '../../clusters/types.ts';
import { parsePing, type PingSummary } from '../../helpers/parsers/ping.ts';
import type { Probed } from '../../helpers/probes/net.ts';

/** Runs shell lines (sh -ec) on a node; throws naming the node, the lines and the output. */
export async function sh(node: NodeHandle, lines: string[]): Promise<string> {
  const r = await node.exec(['sh', '-ec', lines.join('\n')]);
  if (r.exitCode !== 0) throw new Error(`failed to run on ${node.name}: ${lines.join('; ')}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Applies FRR configuration lines (`conf t` implied) through vtysh on a router. */
export async function vtyshConf(node: NodeHandle, lines: string[]): Promise<void> {
  const r = await node.exec(['vtysh', '-c', 'configure terminal', ...lines.flatMap((l) => ['-c', l])]);
  if (r.exitCode !== 0 || /% /.test(r.stdout)) throw new Error(`failed to configure FRR on ${node.name}: ${lines.join(' / ')}: ${r.stdout}${r.stderr}`);
}

export async function vtysh(node: NodeHandle, command: string): Promise<string> {
  return (await node.exec(['vtysh', '-c', command])).stdout;
}

/** Between two looks at a live lab: routing daemons and the kernel act within tens of milliseconds. */
export const POLL_MS = 150;

/** Polls `check` every 150 ms until true; false at the deadline throws naming what was awaited. */
export async function pollFor(what: string, deadlineMs: number, check: () => Promise<boolean>): Promise<void> {
  if (await pollUntil(deadlineMs, check)) return;
  throw new Error(`failed to see ${what} within ${deadlineMs / 1000}s`);
}

/** Like pollFor, but returns whether the condition was seen instead of throwing. */
export async function pollUntil(deadlineMs: number, check: () => Promise<boolean>): Promise<boolean> {
  const started = performance.now();
  for (;;) {
    if (await check()) return true;
    if (performance.now() - started > deadlineMs) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Ping timings at the lab's timescale (veths in one kernel answer in well under a millisecond; figures in traffic.ts LAB_TRAFFIC). */
export const LAB_PING = { intervalS: 0.01, waitS: 0.3 } as const;

/**
 * A ping burst (by default 0.2 s apart, each reply awaited at most 1 s; `LAB_PING` for the lab's timescale), optionally
 * from a source address (`ping -I <address>`, iputils); the summary is undefined when ping could not send at all.
 */
export async function pingBurst(on: Executor, target: string, options: { count?: number; from?: string; intervalS?: number; waitS?: number } = {}): Promise<Probed<PingSummary | undefined>> {
  const argv = pingBurstArgv(target, options);
  const r = await on.exec(argv);
  const raw = [r.stdout, r.stderr].filter(Boolean).join('\n');
  return { command: argv.join(' '), raw: r.exitCode === 0 ? raw : `${raw}\n(exit ${r.exitCode})`, value: parsePing(r.stdout) };
}

export function pingBurstArgv(target: string, options: { count?: number; from?: string; intervalS?: number; waitS?: number } = {}): string[] {
  return ['ping', '-n', '-c', String(options.count ?? 3), '-i', String(options.intervalS ?? 0.2), '-W', String(options.waitS ?? 1), ...(options.from ? ['-I', options.from] : []), target];
}

/** The problem of a ping burst from `from` to `to`, naming the counts; undefined when every packet came back. */
export function pingProblem(from: string, to: string, ping: { sent: number; received: number }): string | undefined {
  if (ping.sent === 0) return `${from} could not ping ${to}: nothing sent`;
  if (ping.received === 0) return `${from} cannot reach ${to}: ${ping.sent} sent, 0 received`;
  if (ping.received < ping.sent) return `${from} reaches ${to} with loss: ${ping.sent} sent, ${ping.received} received`;
  return undefined;
}
