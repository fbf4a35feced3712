import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { podHttpResponse } from '../../clusters/lab/pods.ts';
import { pollUntilDone } from './poll.ts';
import { tcpNameServer } from './tcp-name-server.ts';

/** One HTTP request as curl sends it; resolves with everything read until the server closed, or undefined after `ms`. */
function request(port: number, ms: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n'));
    const timer = setTimeout(() => { socket.destroy(); resolve(undefined); }, ms);
    socket.on('data', (d) => chunks.push(d));
    socket.on('end', () => { clearTimeout(timer); socket.end(); resolve(Buffer.concat(chunks).toString()); });
    socket.on('error', () => { clearTimeout(timer); resolve(undefined); });
  });
}

describe('the lab TCP server, run for real (perl, as in the node image)', () => {
  let server: ChildProcess | undefined;
  afterEach(() => { server?.kill(); });

  async function start(): Promise<number> {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const file = join(mkdtempSync(join(tmpdir(), 'cnc-tcp-')), 'http');
    writeFileSync(file, podHttpResponse('pod-a1'));
    const argv = tcpNameServer(port, file);
    server = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    await pollUntilDone(`TCP ${port} answering`, async () => ((await request(port, 500)) === podHttpResponse('pod-a1') ? [] : [`no answer on ${port}`]), 5_000, 50);
    return port;
  }

  it('answers every request with the pod\'s HTTP response, many at once', async () => {
    const port = await start();
    const answers = await Promise.all(Array.from({ length: 50 }, () => request(port, 2_000)));
    expect(answers.filter((a) => a === podHttpResponse('pod-a1')).length).toBe(50);
  });

  it('is not held up by clients that connect and send nothing (one process serves all)', async () => {
    const port = await start();
    const silent = Array.from({ length: 10 }, () => connect(port, '127.0.0.1'));
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => request(port, 1_000)));
      expect(answers.filter((a) => a === podHttpResponse('pod-a1')).length).toBe(20);
    } finally {
      for (const s of silent) s.destroy();
    }
  });

  it('keeps answering after clients that reset before their reply (SIGPIPE ignored)', async () => {
    const port = await start();
    for (let round = 0; round < 4; round++) {
      await Promise.all(Array.from({ length: 60 }, () => new Promise<void>((done) => {
        const s = connect(port, '127.0.0.1', () => { s.write('GET / HTTP/1.1\r\n'); s.resetAndDestroy(); done(); });
        s.on('error', () => done());
      })));
      const answers = await Promise.all(Array.from({ length: 20 }, () => request(port, 2_000)));
      expect(answers.filter((a) => a === podHttpResponse('pod-a1')).length, `round ${round + 1}: answers of 20`).toBe(20);
    }
  });
});
