import { spawn, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUdpPodReply } from '../parsers/pod-reply.ts';
import { udpClientArgv } from './udp-client.ts';
import { udpNameServer } from './udp-name-server.ts';

const perl = spawnSync('perl', ['-MIO::Socket::INET', '-e', '1']).status === 0;

/** Runs the client for real on this host, against servers on 127.0.0.1 only. */
function client(port: number, waitS: number): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const [cmd, ...args] = udpClientArgv('127.0.0.1', port, waitS);
  return new Promise((resolve, reject) => {
    const p = spawn(cmd!, args);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('error', reject);
    p.on('close', (code) => resolve({ stdout, stderr, exitCode: code ?? -1 }));
  });
}

const freePort = async (): Promise<number> => {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
};

describe.skipIf(!perl)('the probes\' UDP client, run for real against loopback servers', () => {
  let server: ReturnType<typeof spawn>;
  let serverPort = 0;
  let silent: Socket;
  let silentPort = 0;
  let slow: Socket;
  let slowPort = 0;

  beforeAll(async () => {
    serverPort = await freePort();
    const [cmd, ...args] = udpNameServer(serverPort, 'pod-b1');
    server = spawn(cmd!, args, { stdio: 'ignore' });
    // The name server is up once it answers.
    for (let i = 0; i < 100 && !(await client(serverPort, 0.1)).stdout.startsWith('reply'); i++);
    silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    silentPort = silent.address().port;
    slow = createSocket('udp4');
    slow.on('message', (_m, peer) => setTimeout(() => slow.send('pod-slow\n', peer.port, peer.address), 400));
    await new Promise<void>((resolve) => slow.bind(0, '127.0.0.1', resolve));
    slowPort = slow.address().port;
  });
  afterAll(() => { server?.kill(); silent?.close(); slow?.close(); });

  it('reads the answer and how long after the send it came', async () => {
    const r = await client(serverPort, 2);
    expect(r.exitCode).toBe(0);
    const reply = parseUdpPodReply(r);
    expect(reply).toMatchObject({ answeredBy: 'pod-b1', unparsed: [] });
    expect(reply.elapsedS).toBeLessThan(2);
  });

  it('names the ICMP port unreachable the kernel hands back as ECONNREFUSED', async () => {
    const r = await client(await freePort(), 2);
    expect(r.exitCode).toBe(2);
    expect(parseUdpPodReply(r)).toEqual({ error: 'recv: Connection refused (ICMP port unreachable: nothing listens on that port)', unparsed: [] });
  });

  it('says "no reply" only when nothing came back within the wait after the send', async () => {
    const r = await client(silentPort, 0.2);
    expect(r.exitCode).toBe(1);
    expect(parseUdpPodReply(r)).toEqual({ error: 'no reply within 0.2 s of sending', unparsed: [] });
  });

  it('a slow server is slow: missed by a short wait, answered within a generous one, with the time it took', async () => {
    expect(parseUdpPodReply(await client(slowPort, 0.1)).error).toBe('no reply within 0.1 s of sending');
    const late = parseUdpPodReply(await client(slowPort, 3));
    expect(late.answeredBy).toBe('pod-slow');
    expect(late.elapsedS).toBeGreaterThanOrEqual(0.35);
  });
});
