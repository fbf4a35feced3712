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
  const exec = async (command: Command, input?: string): Promise<ExecResult> => {
    const result = await execa(command.tool, command.args, {
      cwd: planDir, env: command.env, reject: false, ...(input === undefined ? {} : { input }),
    });
    return { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), exitCode: result.exitCode ?? 1 };
  };
  return {
    where: 'host',
    async run(command) {
      if (!command.stdinFrom) return exec(command);
      const first = await exec(command.stdinFrom);
      if (first.exitCode !== 0) return first;
      return exec(command, first.stdout);
    },
  };
}

/** The toolbox container: the rendered shell line (pipes included) through sh -c in the plan folder. */
export function toolboxRunner(container: StartedTestContainer, planDir: string): CommandRunner {
  return {
    where: 'toolbox',
    async run(command) {
      const result = await container.exec(['sh', '-c', renderCommand(command)], { workingDir: planDir });
      return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
    },
  };
}
