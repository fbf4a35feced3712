/**
 * A run's child (vitest) in a process group of its own, given the first SIGINT, SIGTERM or SIGHUP this process gets.
 * execa@10.2.1 `killDescendants` spawns it as its group's leader and its kill() signals the whole group
 * (lib/terminate/kill-descendants.js), so vitest and its workers each get the signal once: a terminal's Ctrl-C reaches
 * only this process (the child's group is not the terminal's foreground group), and a lone `kill <pid>` of this
 * process now stops the run too (it was ignored before, and the run went on). Later signals are not passed on: vitest
 * and our clean-up handlers listen for one signal (process.once), and a second would kill them mid-clean-up.
 */
import { execa } from 'execa';

const CHILD_OPTIONS = { killDescendants: true, stdin: 'ignore', stdout: 'inherit', stderr: 'inherit', reject: false } as const;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface ForwardedSignal {
  /** The signal passed on, if one came. */
  readonly signal: NodeJS.Signals | undefined;
  /** Stops listening (once the child has exited). */
  dispose(): void;
}

function forwardFirstSignal(child: { kill(signal: NodeJS.Signals): boolean }, log: (line: string) => void = (l) => console.error(l)): ForwardedSignal {
  let signal: NodeJS.Signals | undefined;
  const on = (received: NodeJS.Signals) => {
    if (signal) { log(`${received}: the run is already stopping on ${signal}; its clean-up is under way`); return; }
    signal = received;
    child.kill(received);
  };
  for (const s of SIGNALS) process.on(s, on);
  return {
    get signal() { return signal; },
    dispose: () => { for (const s of SIGNALS) process.off(s, on); },
  };
}

/** Runs `file args` as above (its output on ours), and returns how it ended and the signal passed on to it, if any. */
export async function runForwardingSignal(file: string, args: string[], env?: Record<string, string>): Promise<{ exitCode: number; signal?: NodeJS.Signals }> {
  const child = execa(file, args, { ...CHILD_OPTIONS, ...(env ? { env } : {}) });
  const forwarded = forwardFirstSignal(child);
  const run = await child;
  forwarded.dispose();
  return { exitCode: run.exitCode ?? 1, ...(forwarded.signal ? { signal: forwarded.signal } : {}) };
}
