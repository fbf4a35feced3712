import { describe, expect, it } from 'vitest';
import { fixture } from './fixture.ts';
import { parseHttpPodReply, parseUdpPodReply, type ClientRun } from './pod-reply.ts';

const run = (name: string): ClientRun => ({
  stdout: fixture('pod-reply', `${name}.stdout`), stderr: fixture('pod-reply', `${name}.stderr`), exitCode: Number(fixture('pod-reply', `${name}.rc`)),
});

describe('pod server replies (curl 7.88.1, socat 1.7.4.4, real output)', () => {
  it('reads the pod name from the HTTP body, and curl errors otherwise', () => {
    expect(parseHttpPodReply(run('curl-ok'))).toEqual({ answeredBy: 'pod-b1', unparsed: [] });
    expect(parseHttpPodReply(run('curl-timeout'))).toEqual({
      error: 'curl: (28) Failed to connect to 10.244.0.75 port 8080 after 1016 ms: Timeout was reached', unparsed: [],
    });
    expect(parseHttpPodReply(run('curl-refused')).error).toMatch(/^curl: \(7\) Failed to connect .*Couldn't connect to server$/);
  });

  it('reads the UDP reply beside socat\'s log lines', () => {
    expect(parseUdpPodReply(run('udp-ok'), 1)).toEqual({ answeredBy: 'pod-b1', unparsed: [] });
    expect(parseUdpPodReply(run('udp-timeout'), 1)).toEqual({ error: 'no reply within 1 s', unparsed: [] });
    expect(parseUdpPodReply(run('udp-refused'), 1)).toEqual({ error: 'read(5, 0x562949114000, 8192): Connection refused', unparsed: [] });
  });

  it('reports bodies and lines it does not understand', () => {
    expect(parseHttpPodReply({ stdout: '<html>hi</html>', stderr: '', exitCode: 0 })).toEqual({ error: 'empty reply', unparsed: ['body is not JSON: <html>hi</html>'] });
    expect(parseHttpPodReply({ stdout: '{"name":"x"}', stderr: 'warning: odd', exitCode: 0 }).unparsed).toEqual(['warning: odd', 'body without a "pod" name: {"name":"x"}']);
    expect(parseUdpPodReply({ stdout: 'stray', stderr: 'Pod B1!', exitCode: 0 }, 1)).toEqual({ error: 'no reply within 1 s', unparsed: ['Pod B1!', 'stray'] });
  });
});
