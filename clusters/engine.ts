import { execFileSync } from 'node:child_process';
import { execa, type Options } from 'execa';
import type { ExecResult } from './docker.ts';

/**
 * The container engines kind drives. Both take the same CLI arguments for what the harness asks of them (ps, inspect,
 * exec, rm, volume, network, image inspect, save, pull); where they differ, the caller says so beside the call.
 */
export type EngineName = 'docker' | 'podman';

/** Runs an engine's CLI; never throws on a non-zero exit, the caller decides. */
export type EngineCli = (args: string[], options?: Options) => Promise<ExecResult>;
/** Runs an engine's CLI synchronously (exit and signal hooks cannot wait) and returns stdout; throws on failure. */
export type EngineSync = (args: string[]) => string;

export function engineCli(name: EngineName): EngineCli {
  return async (args, options = {}) => {
    const result = await execa(name, args, { reject: false, ...options });
    return { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), exitCode: result.exitCode ?? 1 };
  };
}

export function engineSync(name: EngineName): EngineSync {
  return (args) => execFileSync(name, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/**
 * Whether the engine runs on this machine: DOCKER_HOST unset or a unix socket. A tcp:// or ssh:// engine's kernel and
 * disk are another machine's, so this machine's kernel facts and free space say nothing about it.
 */
export function engineIsLocal(env: Record<string, string | undefined> = process.env): boolean {
  const host = env['DOCKER_HOST'];
  return !host || host.startsWith('unix://');
}

/** kind's own switch (pkg/internal/runtime/runtime.go@v0.32.0 GetDefault): only these two of its values are engines we drive. */
export const KIND_PROVIDER_ENV = 'KIND_EXPERIMENTAL_PROVIDER';

/** The engine KIND_EXPERIMENTAL_PROVIDER names, or undefined when unset; nerdctl/finch are refused by name. */
export function engineFromEnv(env: Record<string, string | undefined> = process.env): EngineName | undefined {
  const value = env[KIND_PROVIDER_ENV];
  if (!value) return undefined;
  if (value === 'docker' || value === 'podman') return value;
  throw new Error(`${KIND_PROVIDER_ENV}=${value}: the harness drives kind on docker or podman only; unset it or set docker or podman`);
}

/** The engine kind clusters of this process live in: KIND_EXPERIMENTAL_PROVIDER once detection has set it, else docker. */
export function kindEngineName(env: Record<string, string | undefined> = process.env): EngineName {
  return engineFromEnv(env) ?? 'docker';
}

/** The kind engine's CLI, resolved at each call (detection may set the engine after this module loaded). */
export const kindEngineSync: EngineSync = (args) => engineSync(kindEngineName())(args);
export const kindEngineCli: EngineCli = (args, options) => engineCli(kindEngineName())(args, options);

/**
 * A container label in a `ps --format` template: docker's formatter has `.Label "key"` (docker/cli
 * cli/command/formatter/container.go Label), podman's ps lists .Labels as a map, read with `index`, as kind's podman
 * provider does (pkg/cluster/internal/providers/podman/provider.go@v0.32.0 ListClusters).
 */
export function labelField(engine: EngineName, key: string): string {
  return engine === 'docker' ? `{{.Label "${key}"}}` : `{{index .Labels "${key}"}}`;
}
