import type { Executor, NodeHandle } from '../clusters/types.ts';
import { pollUntilDone } from '../helpers/probes/poll.ts';

/** Runs a shell script with `sh -ec`; throws naming the node and the output when it fails. */
export async function sh(on: NodeHandle, script: string): Promise<string> {
  const r = await on.exec(['sh', '-ec', script]);
  if (r.exitCode !== 0) throw new Error(`${on.name}: "${script}" exited ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Exit code of a command, for state checks (`iptables -C`, `pgrep`). */
export async function succeeds(on: Executor, argv: string[]): Promise<boolean> {
  return (await on.exec(argv)).exitCode === 0;
}

/** Polls until `holds` is true (10 s deadline by default), naming the awaited state in the error. */
export async function waitFor(what: string, holds: () => Promise<boolean>, deadlineMs = 10_000): Promise<void> {
  await pollUntilDone(what, async () => (await holds() ? [] : [what]), deadlineMs, 100);
}
