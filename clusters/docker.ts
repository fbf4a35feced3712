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

/**
 * What the Docker engine said when a `docker exec` never ran its command, or undefined when the command ran (whatever
 * its exit). The CLI exits 1 for any error that is not the command's own status (getExitCode, cmd/docker/docker.go@
 * docker/cli v28.2.2), so the exit alone cannot tell "no answer" from a command that failed: the engine's own words do.
 * They come from moby: the client's "Cannot connect to the Docker daemon at %s. Is the docker daemon running?"
 * (client/errors.go@v28.2.2, v20.10.24) and "Error response from daemon: " before the daemon's error (client/request.go),
 * whose errors for a container that cannot run a command are "Container %s is not running", "... is paused, unpause the
 * container before exec", "... is restarting, wait until the container is running" and "No such container: %s"
 * (daemon/errors.go@v20.10.24, the engine here; recorded in clusters/fixtures/unanswered/SOURCES.md). An exec the
 * runtime refused ("OCI runtime exec failed: ... executable file not found", exit 126) is the harness's bad argument,
 * not this.
 */
export function engineDidNotAnswer(result: ExecResult): string | undefined {
  if (result.exitCode === 0) return undefined;
  const said = result.stderr.split('\n').map((l) => l.trim()).find((l) => ENGINE_NO_ANSWER.some((p) => p.test(l)));
  return said;
}

const ENGINE_NO_ANSWER = [
  /^Cannot connect to the Docker daemon\b/,
  /^Error response from daemon: Container \S+ is (not running|paused|restarting)\b/,
  /^Error response from daemon: No such container: /,
  // podman 4.3.1 (kind's nodes on podman, clusters/engine.ts), recorded here: `podman exec` of a missing container
  // (exit 125) and of a stopped one (exit 255).
  /^Error: no container with name or ID "\S+" found: no such container$/,
  /^Error: can only create exec sessions on running containers: container state improper$/,
];
