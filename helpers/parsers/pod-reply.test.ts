import { describe, expect, it } from 'vitest';
import { fixture } from './fixture.ts';
import { parseHttpPodReply, parseUdpPodReply, type ClientRun } from './pod-reply.ts';

const run = (name: string): ClientRun => ({
  stdout: fixture('pod-reply', `${name}.stdout`), stderr: fixture('pod-reply', `${name}.stderr`), exitCode: Number(fixture('pod-reply', `${name}.rc`)),
});

describe('pod server replies (curl 7.88.1 and the UDP client of helpers/probes/udp-client.ts, real output)', () => {
  it('reads the pod name from the HTTP body, and curl errors otherwise', () => {
    expect(parseHttpPodReply(run('curl-ok'))).toEqual({ answeredBy: 'pod-b1', unparsed: [] });
    expect(parseHttpPodReply(run('curl-timeout'))).toEqual({
      error: 'curl: (28) Failed to connect to 10.244.0.75 port 8080 after 1016 ms: Timeout was reached', unparsed: [],
    });
    expect(parseHttpPodReply(run('curl-refused')).error).toMatch(/^curl: \(7\) Failed to connect .*Couldn't connect to server$/);
  });

  it('reads the UDP client\'s answer, its kernel error and its timeout (lab pods, 2026-12-07)', () => {
    expect(parseUdpPodReply(run('udp-ok'))).toEqual({ answeredBy: 'pod-b1', elapsedS: expect.any(Number), unparsed: [] });
    expect(parseUdpPodReply(run('udp-timeout'))).toEqual({ error: 'no reply within 1 s of sending', unparsed: [] });
    expect(parseUdpPodReply(run('udp-refused'))).toEqual({ error: 'recv: Connection refused (ICMP port unreachable: nothing listens on that port)', unparsed: [] });
    expect(parseUdpPodReply(run('udp-no-route'))).toEqual({ error: 'socket: No route to host (ICMP host unreachable, or no route on this host)', unparsed: [] });
  });

  it('reports bodies and lines it does not understand', () => {
    expect(parseHttpPodReply({ stdout: '<html>hi</html>', stderr: '', exitCode: 0 })).toEqual({ error: 'empty reply', unparsed: ['body is not JSON: <html>hi</html>'] });
    expect(parseHttpPodReply({ stdout: '{"name":"x"}', stderr: 'warning: odd', exitCode: 0 }).unparsed).toEqual(['warning: odd', 'body without a "pod" name: {"name":"x"}']);
    expect(parseUdpPodReply({ stdout: 'stray', stderr: 'Pod B1!', exitCode: 1 })).toEqual({ error: 'the UDP client exited 1', unparsed: ['stray', 'Pod B1!'] });
    expect(parseUdpPodReply({ stdout: 'reply 0.002 Pod B1!\n', stderr: '', exitCode: 0 }).unparsed).toEqual(['reply 0.002 Pod B1!']);
  });
});
