import { describe, expect, it } from 'vitest';
import { listeningProblems, podHttpResponse, podServerCommands } from './pods.ts';

describe('lab pod servers', () => {
  it('answer HTTP with an exact Content-Length, so curl finishes without waiting for the close', () => {
    const response = podHttpResponse('pod-a1');
    const [head, body] = response.split('\r\n\r\n');
    expect(body).toBe('{"pod":"pod-a1"}\n');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body!)}`);
  });

  it('start TCP 8080 and UDP 8081 detached, each reading the request before answering', () => {
    const lines = podServerCommands('pod-a1').join('\n');
    expect(lines).toContain("setsid -f ip netns exec pod-a1 socat -t5 TCP-LISTEN:8080,fork,reuseaddr 'SYSTEM:head -n1 >/dev/null; cat /run/cnc-pods/pod-a1/http'");
    expect(lines).toContain("setsid -f ip netns exec pod-a1 socat -t5 UDP-RECVFROM:8081,fork 'SYSTEM:head -c1 >/dev/null; cat /run/cnc-pods/pod-a1/name'");
  });

  it('wait until ss shows both sockets', () => {
    expect(listeningProblems('')).toEqual(['TCP 8080 listening', 'UDP 8081 bound']);
    expect(listeningProblems('udp UNCONN 0      0      0.0.0.0:8081 0.0.0.0:*\ntcp LISTEN 0      5      0.0.0.0:8080 0.0.0.0:*\n')).toEqual([]);
  });
});
