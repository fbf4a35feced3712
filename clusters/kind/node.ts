import { execa } from 'execa';
import { engineDidNotAnswer } from '../docker.ts';
import { kindEngineCli, kindEngineName, labelField } from '../engine.ts';
import { commandText, Unanswered } from '../unanswered.ts';
import type { ExecResult, NodeHandle } from '../types.ts';
import { DEFAULT_EXEC_DEADLINE_MS } from './pods.ts';

/**
 * `<engine> exec <container> argv` with the exec deadline (the engine kind runs on, engine.ts): a command that hangs in
 * a node is cut (the client is killed), so a negative control always reaches its undo. Resolves with the command's
 * exit, whatever it is; rejects with Unanswered when the command never ran or never ended: the engine's own refusal
 * (clusters/docker.ts engineDidNotAnswer: container stopped, gone, paused, no engine) or the deadline.
 */
export async function dockerExec(container: string, argv: string[], deadlineMs = DEFAULT_EXEC_DEADLINE_MS, exec: typeof execa = execa, engine = kindEngineName()): Promise<ExecResult> {
  const r = await exec(engine, ['exec', container, ...argv], { reject: false, timeout: deadlineMs });
  const result = { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? 1 };
  if (r.timedOut) throw new Unanswered(commandText(argv), `container ${container}`, `${engine} exec cut after ${deadlineMs / 1000} s without an exit`);
  const said = engineDidNotAnswer(result);
  if (said) throw new Unanswered(commandText(argv), `container ${container}`, said);
  return result;
}

/** A kind node container; every command goes through `<engine> exec`, as kind's own node handle does. */
export function kindNode(name: string, role: NodeHandle['role'], addresses: string[]): NodeHandle {
  return { name, role, addresses, exec: (argv) => dockerExec(name, argv) };
}

/** Roles from kind's container label io.x-k8s.kind.role. */
export function roleOf(label: string): NodeHandle['role'] {
  return label === 'control-plane' ? 'control-plane' : 'worker';
}

/**
 * Node containers of a kind cluster with role and addresses, from `ps`/`inspect` (label io.x-k8s.kind.cluster). podman
 * reads the addresses with the same inspect template (pkg/cluster/internal/providers/podman/node.go@v0.32.0 IP) and
 * labels through `index .Labels` (labelField).
 */
export async function listKindNodes(cluster: string, docker = kindEngineCli, engine = kindEngineName()): Promise<NodeHandle[]> {
  const ps = await docker(['ps', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', `{{.Names}}\t${labelField(engine, 'io.x-k8s.kind.role')}`]);
  const rows = ps.stdout.split('\n').filter(Boolean).map((line) => line.split('\t') as [string, string]);
  return Promise.all(rows.sort(([a], [b]) => a.localeCompare(b)).map(async ([name, role]) => {
    const inspect = await docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', name]);
    return kindNode(name, roleOf(role), inspect.stdout.trim().split(/\s+/).filter(Boolean));
  }));
}
