import { randomBytes } from 'node:crypto';
import type { Executor } from '../../clusters/types.ts';
import { unansweredIn } from '../../clusters/unanswered.ts';

/** One command of a batch, with what it printed. */
export interface BatchRun {
  command: string;
  stdout: string;
  stderr: string;
  exitCode: number;
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * A POSIX sh script that runs every command at once in the background (each with its own stdout, stderr and exit
 * file in a fresh mktemp dir), waits for all, then prints each section after a marker line carrying `token`.
 * One exec per pod instead of one per client: on a loaded machine docker/kubectl exec costs far more than the traffic.
 * Markers and exit codes are written by the shell's builtin printf, everything is printed by one `cat`, and a
 * parallel command is a background job of the script itself: one process per command (there were five: a subshell
 * and three cats besides), and processes are what a loaded 2-core machine pays for.
 */
export function batchScript(token: string, commands: Array<[string, string[]]>, phases: BatchPhases = {}): string {
  const lines = ['d=$(mktemp -d)'];
  const step = (argv: string[], i: number, key: string) =>
    `${argv.map(quote).join(' ')} >"$d/${i}.out" 2>"$d/${i}.err"; printf '\\n%s %s exit %s\\n' ${token} ${quote(key)} "$?" >"$d/${i}.rc"`;
  const before = new Set(phases.before ?? []);
  const after = new Set(phases.after ?? []);
  commands.forEach(([key], i) => {
    lines.push(`printf '%s %s stdout\\n' ${token} ${quote(key)} >"$d/${i}.h"; printf '\\n%s %s stderr\\n' ${token} ${quote(key)} >"$d/${i}.m"`);
  });
  commands.forEach(([key, argv], i) => { if (before.has(key)) lines.push(step(argv, i, key)); });
  // Each parallel command is one background job (no subshell around it); `wait <pid>` hands back its own exit code.
  const parallel = commands.map((c, i) => [c, i] as const).filter(([[key]]) => !before.has(key) && !after.has(key));
  for (const [[, argv], i] of parallel) lines.push(`${argv.map(quote).join(' ')} >"$d/${i}.out" 2>"$d/${i}.err" & p${i}=$!`);
  for (const [[key], i] of parallel) lines.push(`wait "$p${i}"; printf '\\n%s %s exit %s\\n' ${token} ${quote(key)} "$?" >"$d/${i}.rc"`);
  commands.forEach(([key, argv], i) => { if (after.has(key)) lines.push(step(argv, i, key)); });
  lines.push(`cat ${commands.map((_, i) => ['h', 'out', 'm', 'err', 'rc'].map((part) => `"$d/${i}.${part}"`).join(' ')).join(' ')}`);
  lines.push('rm -rf "$d"');
  return lines.join('\n');
}

/** Splits a batch's output back into its commands; a command with no exit marker gets exit -1 and the reason. */
export function parseBatchOutput(token: string, commands: Array<[string, string[]]>, text: string, failure = ''): Map<string, BatchRun> {
  const sections = new Map<string, { stdout: string[]; stderr: string[]; exitCode?: number }>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${token} `)) {
      const rest = line.slice(token.length + 1);
      const m = /^(.*) (stdout|stderr|exit)(?: (-?\d+))?$/.exec(rest);
      if (m) {
        const key = m[1]!;
        const s = sections.get(key) ?? { stdout: [], stderr: [] };
        sections.set(key, s);
        if (m[2] === 'exit') { s.exitCode = Number(m[3] ?? -1); current = undefined; } else current = m[2] === 'stdout' ? s.stdout : s.stderr;
        continue;
      }
    }
    current?.push(line);
  }
  const trim = (l: string[]) => l.join('\n').replace(/\n+$/, '');
  return new Map(commands.map(([key, argv]) => {
    const s = sections.get(key);
    const run: BatchRun = s?.exitCode !== undefined
      ? { command: argv.join(' '), stdout: trim(s.stdout), stderr: trim(s.stderr), exitCode: s.exitCode }
      : { command: argv.join(' '), stdout: '', stderr: `batch did not report this command${failure ? `: ${failure}` : ''}`, exitCode: -1 };
    return [key, run];
  }));
}

/** Keys of commands run one by one before the parallel ones start, or after they all ended. */
export interface BatchPhases {
  before?: string[];
  after?: string[];
}

/** Runs the commands at once in one `sh -c` on `on` (a node or a pod) and returns each one's output. */
export async function runBatch(on: Executor, commands: Array<[string, string[]]>, phases: BatchPhases = {}): Promise<Map<string, BatchRun>> {
  if (commands.length === 0) return new Map();
  const token = `==cnc-batch-${randomBytes(6).toString('hex')}==`;
  // A batch the engine, the container or the API server never ran: every command is "not reported", with the cause
  // (traffic.ts marks such a client unobserved); the other pods' batches still count.
  let r;
  try {
    r = await on.exec(['sh', '-c', batchScript(token, commands, phases)]);
  } catch (error) {
    const unanswered = unansweredIn(error);
    if (!unanswered) throw error;
    return parseBatchOutput(token, commands, '', `${unanswered.where}: ${unanswered.said}`);
  }
  return parseBatchOutput(token, commands, r.stdout, r.exitCode !== 0 ? `sh exited ${r.exitCode}: ${r.stderr.trim().slice(0, 300)}` : r.stderr.trim().slice(0, 300));
}
