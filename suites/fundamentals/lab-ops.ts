import type { NodeHandle } from '../../clusters/types.ts';

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

/** Polls `check` every 0.5 s until true; false at the deadline throws naming what was awaited. */
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
    await new Promise((r) => setTimeout(r, 500));
  }
}
