import { execa } from 'execa';
import type { StartedTestContainer } from 'testcontainers';
import type { ExecResult } from '../types.ts';
import { renderCommand } from './plan.ts';
import type { Command } from './types.ts';

/** Runs plan commands somewhere: on the host or in the toolbox container. Never rejects on a non-zero exit. */
export interface CommandRunner {
  where: string;
  run(command: Command, signal?: AbortSignal): Promise<ExecResult>;
}

/** Host CLIs through execa, cwd = plan folder; a pipe runs the producer first and feeds its stdout. */
export function hostRunner(planDir: string): CommandRunner {
  const exec = async (command: Command, signal: AbortSignal | undefined, input?: string): Promise<ExecResult> => {
    const result = await execa(command.tool, command.args, {
      cwd: planDir, env: command.env, reject: false, ...(input === undefined ? {} : { input }), ...(signal ? { cancelSignal: signal } : {}),
    });
    const stderr = String(result.stderr ?? '');
    // A tool not on PATH: execa's error code, reported as a shell would (exit 127), so checks can tell "not run" from "failed".
    if ((result as { code?: string }).code === 'ENOENT') return { stdout: '', stderr: `${command.tool}: command not found (not on PATH)`, exitCode: 127 };
    if (result.isCanceled) return { stdout: String(result.stdout ?? ''), stderr: `${stderr}\n${cancelled(command)}`, exitCode: 124 };
    return { stdout: String(result.stdout ?? ''), stderr, exitCode: result.exitCode ?? 1 };
  };
  return {
    where: 'host',
    async run(command, signal) {
      if (!command.stdinFrom) return exec(command, signal);
      const first = await exec(command.stdinFrom, signal);
      if (first.exitCode !== 0) return first;
      return exec(command, signal, first.stdout);
    },
  };
}

function cancelled(command: Command): string {
  return `${command.tool} ${command.args.slice(0, 3).join(' ')}: stopped at the caller's deadline`;
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

/** Who owns what the host writes: files the toolbox makes are handed to this uid:gid. */
export interface Owner { uid: number; gid: number }

/** This process's uid:gid, or undefined where files need no hand-over (root reads everything; no getuid on Windows). */
export function hostOwner(): Owner | undefined {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined || gid === undefined || uid === 0) return undefined;
  return { uid, gid };
}

/**
 * The shell line the toolbox runs for one command: the rendered command, then every file under the plan folder handed to
 * the host user, keeping the command's exit code. The toolbox runs as root (it needs the Docker socket), and what it
 * writes is root's: kind writes the kubeconfig 0600 (pkg/cluster/internal/kubeconfig/internal/kubeconfig/write.go@v0.32.0
 * `os.WriteFile(configPath, encoded, 0600)`), cilium-cli its JUnit, and the host process reads both afterwards.
 */
export function toolboxScript(command: Command, planDir: string, owner: Owner | undefined): string {
  // bash: a pipe (stdinFrom) fails when its producer fails, as hostRunner does.
  const line = `set -o pipefail\n${renderCommand(command)}`;
  if (!owner) return line;
  const dir = `'${planDir.replace(/'/g, `'\\''`)}'`;
  return `${line}\nrc=$?\nchown -R ${owner.uid}:${owner.gid} ${dir} || echo "toolbox: could not hand ${dir} to ${owner.uid}:${owner.gid}" >&2\nexit $rc`;
}

/** The toolbox container: the rendered shell line (pipes included) through bash -c in the plan folder. */
export function toolboxRunner(container: Pick<StartedTestContainer, 'exec'>, planDir: string, owner: Owner | undefined = hostOwner()): CommandRunner {
  return {
    where: 'toolbox',
    async run(command, signal) {
      const exec = container.exec(['bash', '-c', toolboxScript(command, planDir, owner)], { workingDir: planDir })
        .then((r): ExecResult => ({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }));
      if (!signal) return exec;
      // A docker exec cannot be cancelled from here: the caller gets its answer at the deadline, and the command
      // goes with the toolbox container at the end of the run.
      return Promise.race([exec, aborted(signal).then((): ExecResult => ({ stdout: '', stderr: cancelled(command), exitCode: 124 }))]);
    },
  };
}
