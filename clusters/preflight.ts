import { docker } from './docker.ts';

export const MIN_NODE = [22, 19] as const;

/** Node >= 22.19: testcontainers and @kubernetes/client-node fail to load on older versions. */
export function nodeVersionProblem(version = process.versions.node): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])) return undefined;
  return `Node ${version} is too old: cni-conformance needs Node >= ${MIN_NODE.join('.')} (24 LTS recommended); install it, e.g. with nvm install 24`;
}

/** A reachable Docker engine, or why not and how to start one. */
export async function dockerProblem(): Promise<string | undefined> {
  const info = await docker(['info', '--format', '{{.ServerVersion}}'], { timeout: 20_000 }).catch((error: Error) => ({
    exitCode: 127, stdout: '', stderr: error.message,
  }));
  if (info.exitCode === 0 && info.stdout.trim()) return undefined;
  if (/ENOENT|not found/i.test(info.stderr)) return 'the docker CLI is not installed: install Docker (https://docs.docker.com/engine/install/)';
  return `no Docker engine answers (${info.stderr.trim().split('\n')[0] ?? 'docker info failed'}): start one, e.g. sudo systemctl start docker, or sudo dockerd &`;
}

/** Fails fast, before anything is created, with every problem found. */
export async function assertLabCanRun(): Promise<void> {
  const problems = [nodeVersionProblem(), await dockerProblem()].filter((p): p is string => !!p);
  if (problems.length > 0) throw new Error(`failed to start the lab:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
