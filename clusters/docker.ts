import { execa, type Options } from 'execa';

/** Result of a command run inside a container or on the host. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs the docker CLI; never throws on a non-zero exit, the caller decides. */
export async function docker(args: string[], options: Options = {}): Promise<ExecResult> {
  const result = await execa('docker', args, { reject: false, ...options });
  return {
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    exitCode: result.exitCode ?? 1,
  };
}

/** Runs the docker CLI and throws with the command and its stderr when it fails. */
export async function dockerOrThrow(args: string[], options: Options = {}): Promise<string> {
  const result = await docker(args, options);
  if (result.exitCode !== 0) {
    throw new Error(`failed to run docker ${args.slice(0, 3).join(' ')}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}
