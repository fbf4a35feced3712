import { EventEmitter } from 'node:events';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Unanswered } from '../unanswered.ts';
import { KubeAccess } from './pods.ts';

type Binary = (stream: number, buff: Buffer) => boolean;

/** A fake of client-node's WebSocketInterface: hands out a socket and lets the test play the server's frames. */
function fakeSocket() {
  const socket = Object.assign(new EventEmitter(), { closed: false, close() { this.closed = true; } });
  let binary: Binary | undefined;
  const wsInterface = {
    async connect(_path: string, _text: unknown, onBinary: Binary | null) { binary = onBinary ?? undefined; return socket as never; },
  };
  const frame = (stream: number, text: string) => binary!(stream, Buffer.from(text));
  return { socket, wsInterface, frame };
}

function access(wsInterface: unknown, execDeadlineMs = 5_000): KubeAccess {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'kind-c', cluster: 'c', user: 'u' }],
    currentContext: 'kind-c',
  });
  return new KubeAccess(config, 'kind-c', { execSocket: wsInterface as never, execDeadlineMs });
}

function accessTo(server: string): KubeAccess {
  const config = new KubeConfig();
  config.loadFromOptions({ clusters: [{ name: 'c', server, skipTLSVerify: true }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  return new KubeAccess(config, 'x', { execDeadlineMs: 5_000 });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const tick = () => new Promise((r) => setImmediate(r));

// Status frames as the kubelet sends them (k8s.io/apimachinery remotecommand: Success, or NonZeroExitCode with an ExitCode cause).
const success = '{"metadata":{},"status":"Success"}';
const exit3 = '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit status 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}';

describe('pod exec', () => {
  it('resolves with the output and the exit code of the status frame', async () => {
    const { wsInterface, frame } = fakeSocket();
    const kube = access(wsInterface);
    const ok = kube.exec('ns', 'p', 'c', ['echo', 'hi']);
    await tick();
    frame(1, 'hi\n');
    frame(2, 'warn\n');
    frame(3, success);
    await expect(ok).resolves.toEqual({ stdout: 'hi\n', stderr: 'warn\n', exitCode: 0 });

    const failed = kube.exec('ns', 'p', 'c', ['sh', '-c', 'exit 3']);
    await tick();
    frame(3, exit3);
    await expect(failed).resolves.toMatchObject({ exitCode: 3 });
  });

  it('rejects when the socket closes without a status frame (container restarted mid-exec)', async () => {
    const { wsInterface, frame, socket } = fakeSocket();
    const pending = access(wsInterface).exec('kube-system', 'cilium-x', 'cilium-agent', ['cilium-dbg', 'status']);
    await tick();
    frame(1, 'KVStore: Ok\n');
    socket.emit('close', 1006, Buffer.from(''));
    // The exec's end was never seen: Unanswered (INCONCLUSIVE), naming the command, the pod and what happened.
    await expect(pending).rejects.toThrow(Unanswered);
    await expect(pending).rejects.toThrow(/^cilium-dbg status in pod kube-system\/cilium-x \(cilium-agent\): no answer: the connection closed \(code 1006\) before an exit status came.*KVStore: Ok/);
  });

  it('cuts and rejects an exec that never ends, at its deadline', async () => {
    const { wsInterface, socket } = fakeSocket();
    const started = Date.now();
    await expect(access(wsInterface, 200).exec('ns', 'p', 'c', ['sleep', 'infinity'])).rejects.toThrow(/^sleep infinity in pod ns\/p \(c\): no answer: no exit status within 0.2 s; the exec was cut$/);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(socket.closed).toBe(true);
  });

  it('an API server that refuses the connection is Unanswered; one that refuses the exec itself is an error', async () => {
    // Real sockets on loopback: a port just closed (ECONNREFUSED from Node, through ws and client-node), then a server
    // answering the exec's upgrade with 400 as the API server does for a container the pod does not have.
    const refused = await closedPort();
    const error = await accessTo(`https://127.0.0.1:${refused}`).exec('ns', 'p', 'c', ['ip', 'route']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unanswered);
    expect((error as Error).message).toBe(`ip route in pod ns/p (c): no answer: connect ECONNREFUSED 127.0.0.1:${refused}`);
    const server = createServer((_req, res) => { res.writeHead(400); res.end('container "c" is not valid for pod "p"'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const bad = await accessTo(`http://127.0.0.1:${port}`).exec('ns', 'p', 'c', ['ip', 'route']).catch((e: unknown) => e);
      expect(bad).not.toBeInstanceOf(Unanswered);
      expect((bad as Error).message).toMatch(/Unexpected server response: 400/);
    } finally {
      server.close();
    }
  });

  it('names a context that is not in the kubeconfig', () => {
    const config = new KubeConfig();
    config.loadFromOptions({ clusters: [], users: [], contexts: [{ name: 'kind-a', cluster: 'x', user: 'y' }], currentContext: 'kind-a' });
    expect(() => new KubeAccess(config, 'prod')).toThrow('context "prod": not in the kubeconfig; contexts: kind-a');
  });
});
