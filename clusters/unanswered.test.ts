import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { afterEach, describe, expect, it } from 'vitest';
import { engineDidNotAnswer } from './docker.ts';
import { openExecChannel } from './lab/exec-agent.ts';
import { labNode } from './lab/node.ts';
import { apiServerDidNotAnswer, kubeActions } from './kind/kube-actions.ts';
import { dockerExec } from './kind/node.ts';
import type { ExecResult } from './types.ts';
import { Unanswered, unansweredIn } from './unanswered.ts';

/** Recorded outputs (clusters/fixtures/unanswered/SOURCES.md says how each was made). */
const recorded = (file: string) => readFileSync(join(import.meta.dirname, 'fixtures/unanswered', file), 'utf8');
const failed = (stderr: string, exitCode = 1): ExecResult => ({ stdout: '', stderr, exitCode });
/** execa as dockerExec calls it, answering with a recorded result. */
const answering = (r: ExecResult) => (async () => ({ ...r, timedOut: false })) as never;

describe('docker exec: the engine did not answer', () => {
  it.each([
    ['docker-exec-stopped.stderr', /^Error response from daemon: Container [0-9a-f]{64} is not running$/],
    ['docker-exec-no-such-container.stderr', /^Error response from daemon: No such container: cc-gone-node-a$/],
    ['docker-exec-paused.stderr', /is paused, unpause the container before exec$/],
    ['docker-exec-no-engine.stderr', /^Cannot connect to the Docker daemon at unix:\/\/\/tmp\/verdicts-no-engine.sock\. Is the docker daemon running\?$/],
    ['podman-exec-no-such-container.stderr', /^Error: no container with name or ID "cnc-nonexistent" found: no such container$/],
    ['podman-exec-stopped.stderr', /^Error: can only create exec sessions on running containers: container state improper$/],
  ])('%s is Unanswered, naming the command, the container and the engine\'s words', async (file, said) => {
    expect(engineDidNotAnswer(failed(recorded(file)))).toMatch(said);
    const error = await dockerExec('cc-1-node-a', ['ip', '-4', 'route', 'show'], 5_000, answering(failed(recorded(file)))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unanswered);
    expect((error as Unanswered).message).toMatch(/^ip -4 route show in container cc-1-node-a: no answer: /);
    expect((error as Unanswered).said).toMatch(said);
  });

  it('a command that ran and failed, or a binary the container lacks (a harness bug), is a result, not Unanswered', async () => {
    for (const [file, exitCode] of [['docker-exec-command-failed.stderr', 2], ['docker-exec-bad-binary.stderr', 126]] as const) {
      const r = failed(recorded(file), exitCode);
      expect(engineDidNotAnswer(r)).toBeUndefined();
      await expect(dockerExec('cc-1-node-a', ['ip', 'route'], 5_000, answering(r))).resolves.toEqual(r);
    }
  });
});

describe('lab exec agent: its docker exec ended', () => {
  let dir: string | undefined;
  let path: string | undefined;
  afterEach(() => {
    if (path !== undefined) process.env.PATH = path;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  /** A `docker` first on PATH that runs `script` in place of `docker exec -i <container> perl -e <agent>`. */
  const fakeDocker = (script: string) => {
    dir = mkdtempSync(join(tmpdir(), 'cc-fake-docker-'));
    writeFileSync(join(dir, 'docker'), `#!/bin/sh\n${script}\n`);
    chmodSync(join(dir, 'docker'), 0o755);
    path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
  };

  it('commands in flight and sent after reject with Unanswered naming the command and container (container stopped: exit 137)', async () => {
    // As recorded: `docker stop -t 0` while the agent ran ended its docker exec with 137 and nothing on stderr.
    fakeDocker('echo ready; read line; exit 137');
    const channel = await openExecChannel('05ff7a2b3bf553bf8cb6e0b397ae6c8acdd2a3d8041772472df3aea5c20a230a');
    for (const argv of [['ip', '-4', 'addr', 'show'], ['iptables-save', '-c', '-t', 'filter']]) {
      const error = await channel.exec(argv).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Unanswered);
      expect((error as Error).message).toBe(`${argv.join(' ')} in container 05ff7a2b3bf5: no answer: ${recorded('exec-agent-container-stopped.txt').trim()}`);
    }
  });

  it('a channel opened on a stopped container says what the engine said', async () => {
    fakeDocker(`echo '${recorded('docker-exec-stopped.stderr').trim()}' >&2; exit 1`);
    const error = await openExecChannel('05ff7a2b3bf553bf8cb6e0b397ae6c8acdd2a3d8041772472df3aea5c20a230a').catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^exec agent in container 05ff7a2b3bf5 ended \(docker exec exited 1\): Error response from daemon: Container \S+ is not running$/);
  });

  it('output that is no reply is the harness\'s bug: a plain Error, not Unanswered', async () => {
    fakeDocker('echo ready; read line; echo "hello"; sleep 5');
    const channel = await openExecChannel('05ff7a2b3bf5');
    const error = await channel.exec(['ip', 'route']).catch((e: unknown) => e);
    channel.close();
    expect(error).not.toBeInstanceOf(Unanswered);
    expect((error as Error).message).toMatch(/not a reply header: "hello"/);
  });
});

describe('lab node without its agent: the Docker API refused the exec', () => {
  it('dockerode\'s rejection (recorded on a stopped container) is Unanswered', async () => {
    const container = { getId: () => 'abc', exec: async () => { throw new Error(recorded('dockerode-exec-stopped.txt').trim()); } } as unknown as StartedTestContainer;
    const node = labNode({ name: 'node-a', role: 'worker' } as never, container, []);
    const error = await node.exec(['ip', '-4', 'route', 'show']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unanswered);
    expect((error as Error).message).toMatch(/^ip -4 route show in container node-a: no answer: \(HTTP code 409\) container stopped\/paused - Container \S+ is not running$/);
  });
});

describe('kubectl: the API server did not answer', () => {
  const kube = (r: ExecResult) => kubeActions('kind-c1', {} as never, async () => r, '/tmp');

  it.each([
    ['kubectl-connection-refused.stderr', 'The connection to the server 127.0.0.1:39471 was refused - did you specify the right host or port?'],
    ['kubectl-tls-handshake-timeout.stderr', 'Unable to connect to the server: net/http: TLS handshake timeout'],
    ['kubectl-request-timeout.stderr', 'Unable to connect to the server: context deadline exceeded'],
  ])('%s is Unanswered with kubectl\'s last words', async (file, said) => {
    const r = failed(recorded(file));
    expect(apiServerDidNotAnswer(r)).toBe(said);
    const error = await kube(r).run(['kubectl', '-n', 'kube-system', 'get', 'pods']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unanswered);
    expect((error as Error).message).toBe(`kubectl -n kube-system get pods in context kind-c1: no answer: ${said}`);
  });

  it('a refusal by the API server, a certificate error or another CLI\'s exit is a result', async () => {
    for (const stderr of [
      'Error from server (NotFound): pods "x" not found',
      'Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority',
    ]) {
      expect(apiServerDidNotAnswer(failed(stderr))).toBeUndefined();
      await expect(kube(failed(stderr)).run(['kubectl', 'get', 'pods'])).resolves.toMatchObject({ exitCode: 1 });
    }
    const refusedCilium = failed(recorded('kubectl-connection-refused.stderr'));
    await expect(kube(refusedCilium).run(['cilium', 'status'])).resolves.toEqual(refusedCilium);
  });
});

describe('unansweredIn', () => {
  const cause = new Unanswered('ip route', 'container node-a', 'Error response from daemon: Container x is not running');
  it('finds the Unanswered behind a wrapped error, but never behind an undo that failed', () => {
    expect(unansweredIn(new Error('negative control "x" failed while applying', { cause }))).toBe(cause);
    const undoFailed = Object.assign(new Error('UNDO FAILED', { cause }), { name: 'UndoFailed' });
    expect(unansweredIn(undoFailed)).toBeUndefined();
    expect(unansweredIn(new TypeError('x is undefined'))).toBeUndefined();
  });
});
