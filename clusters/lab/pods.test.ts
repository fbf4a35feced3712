import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { pollUntilDone } from '../../helpers/probes/poll.ts';
import { udpNameServer } from '../../helpers/probes/udp-name-server.ts';
import { listeningProblems, podHttpResponse, podPingSocketsLine, podServerCommands } from './pods.ts';

describe('lab pod servers', () => {
  it('answer HTTP with an exact Content-Length, so curl finishes without waiting for the close', () => {
    const response = podHttpResponse('pod-a1');
    const [head, body] = response.split('\r\n\r\n');
    expect(body).toBe('{"pod":"pod-a1"}\n');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body!)}`);
  });

  it('start TCP 8080 and UDP 8081 detached, each one Perl process', () => {
    const lines = podServerCommands('pod-a1').join('\n');
    expect(lines).toContain("setsid -f ip netns exec pod-a1 'perl' '-MIO::Socket::INET' '-MIO::Select' '-e' '$SIG{PIPE} = \"IGNORE\";");
    expect(lines).toContain("' '8080' '/run/cnc-pods/pod-a1/http' </dev/null >/run/cnc-pods/pod-a1/tcp.log 2>&1");
    expect(lines).toContain("setsid -f ip netns exec pod-a1 'perl' '-MIO::Socket::INET' '-e' 'my ($port, $name) = @ARGV;");
    expect(lines).toContain("' '8081' 'pod-a1' </dev/null >/run/cnc-pods/pod-a1/udp.log 2>&1");
  });

  it('let root\'s ping use ICMP datagram sockets in the pod (each gets only its own replies)', () => {
    expect(podPingSocketsLine('pod-a1')).toBe("ip netns exec pod-a1 sysctl -qw 'net.ipv4.ping_group_range=0 0'");
  });

  it('wait until ss shows both sockets', () => {
    expect(listeningProblems('')).toEqual(['TCP 8080 listening', 'UDP 8081 bound']);
    expect(listeningProblems('udp UNCONN 0      0      0.0.0.0:8081 0.0.0.0:*\ntcp LISTEN 0      5      0.0.0.0:8080 0.0.0.0:*\n')).toEqual([]);
  });
});

/** One datagram to 127.0.0.1:port; resolves with the reply, or undefined when none comes within `ms`. */
function ask(port: number, ms: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => { socket.close(); resolve(undefined); }, ms);
    socket.once('message', (m) => { clearTimeout(timer); socket.close(); resolve(m.toString()); });
    socket.send('x', port, '127.0.0.1');
  });
}

describe('the lab UDP server, run for real (perl, as in the node image)', () => {
  it('keeps answering after clients that gave up before their reply (what wedged socat UDP-RECVFROM,fork)', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server = spawn(udpNameServer(port, 'pod-a1')[0]!, udpNameServer(port, 'pod-a1').slice(1), { stdio: 'ignore' });
    try {
      await pollUntilDone(`UDP ${port} answering`, async () => ((await ask(port, 200)) === 'pod-a1\n' ? [] : [`no answer on ${port}`]), 5_000, 50);
      for (let round = 0; round < 4; round++) {
        // 60 clients that send and close at once: their replies meet closed ports.
        await Promise.all(Array.from({ length: 60 }, () => new Promise<void>((done) => {
          const s = createSocket('udp4');
          s.send('x', port, '127.0.0.1', () => { s.close(); done(); });
        })));
        const answers = await Promise.all(Array.from({ length: 20 }, () => ask(port, 2_000)));
        expect(answers.filter((a) => a === 'pod-a1\n').length, `round ${round + 1}: answers of 20`).toBe(20);
      }
    } finally {
      server.kill();
    }
  });
});
