import { spawn, type ChildProcess } from 'node:child_process';

/**
 * `--burn N`: N processes spinning one CPU each beside what is measured, as `stress-ng --cpu N` does, so that a run
 * shows how the suite behaves on a busier machine. They end when `stop` is called or this process exits.
 */
export function burnCpus(n: number): { stop(): void } {
  const children: ChildProcess[] = Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  const stop = () => { for (const c of children) c.kill('SIGKILL'); };
  process.once('exit', stop);
  return { stop };
}
