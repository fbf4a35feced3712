import type { ExecResult, Executor } from '../../clusters/types.ts';
import { runBatch } from './traffic-batch.ts';

/**
 * Runs read-only commands at once in one exec on `on` (runBatch) and returns an Executor that answers each of them
 * from what it printed, so the usual probes (probeLinks, probeRoutes, ...) parse them unchanged: one round trip per
 * node instead of one per command. A command not read up front is run on `on` as usual.
 */
export async function readBatch(on: Executor, reads: string[][]): Promise<Executor> {
  const runs = await runBatch(on, reads.map((argv): [string, string[]] => [argv.join(' '), argv]));
  return {
    exec: async (argv): Promise<ExecResult> => {
      const r = runs.get(argv.join(' '));
      return r ? { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode } : on.exec(argv);
    },
  };
}

/**
 * For fakes in unit tests: answers a runBatch script (`sh -c` with its marker lines) by running each command it holds
 * through `exec`, in the output format runBatch parses; undefined when argv is no batch.
 */
export async function answerBatch(argv: string[], exec: (argv: string[]) => Promise<ExecResult>): Promise<ExecResult | undefined> {
  const script = argv[0] === 'sh' && argv[1] === '-c' ? argv[2] ?? '' : '';
  const token = /printf '%s %s stdout\\n' (==cnc-batch-[0-9a-f]+==) /.exec(script)?.[1];
  if (!token) return undefined;
  const words = (text: string) => [...text.matchAll(/'((?:[^']|'\\'')*)'/g)].map((m) => m[1]!.replace(/'\\''/g, "'"));
  const keys = [...script.matchAll(/printf '%s %s stdout\\n' \S+ ('(?:[^']|'\\'')*')/g)].map((k) => words(k[1]!)[0]!);
  const out: string[] = [];
  for (const m of script.matchAll(/^\(?((?:'(?:[^']|'\\'')*' ?)+) >"\$d\/(\d+)\.out"/gm)) {
    const r = await exec(words(m[1]!));
    const k = keys[Number(m[2])]!;
    out.push(`${token} ${k} stdout`, r.stdout, `${token} ${k} stderr`, r.stderr, `${token} ${k} exit ${r.exitCode}`);
  }
  return { stdout: out.join('\n'), stderr: '', exitCode: 0 };
}
