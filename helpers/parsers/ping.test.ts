import { describe, expect, it } from 'vitest';
import { fixture } from './fixture.ts';
import { parsePing, parsePingOutput } from './ping.ts';

const ping = (name: string) => parsePingOutput(fixture('ping', name));

describe('ping parser (iputils 20221126, real output)', () => {
  it('reads a clean burst: counts, loss, rtt, packet size', () => {
    expect(ping('burst-ok.txt')).toEqual({
      size: { payload: 56, packet: 84 },
      summary: { transmitted: 50, received: 50, errors: 0, duplicates: 0, lossPercent: 0, rtt: { min: 0.009, avg: 0.019, max: 0.066, mdev: 0.012 } },
      errorLines: [], unparsed: [],
    });
  });

  it('counts partial loss, total loss and errors', () => {
    expect(ping('burst-half-loss.txt').summary).toMatchObject({ transmitted: 50, received: 29, lossPercent: 42 });
    expect(ping('burst-blackhole.txt').summary).toMatchObject({ transmitted: 50, received: 0, errors: 0, lossPercent: 100 });
    const arp = ping('burst-arp-failed.txt');
    expect(arp.summary).toMatchObject({ transmitted: 50, received: 0, errors: 12 });
    expect(arp.unparsed).toEqual([]);
  });

  it('reads full-size DF pings and the path MTU an error reports', () => {
    expect(ping('df-1472-ok.txt')).toMatchObject({ size: { payload: 1472, packet: 1500 }, summary: { transmitted: 3, received: 3 }, errorLines: [] });
    const frag = ping('df-frag-needed.txt');
    expect(frag.summary).toMatchObject({ transmitted: 3, received: 0, errors: 3 });
    expect(frag.errorLines).toContain('ping: local error: message too long, mtu=1400');
    expect(frag.errorLines).toContain('From 10.9.0.254 icmp_seq=1 Frag needed and DF set (mtu = 1400)');
    expect(frag.reportedMtu).toBe(1400);
    expect(ping('df-pmtu-cached.txt').reportedMtu).toBe(1400);
    expect(ping('df-local-too-long.txt')).toMatchObject({ reportedMtu: 1500, size: { packet: 1628 } });
    expect(ping('df-frag-needed-quiet.txt')).toMatchObject({ summary: { received: 0, errors: 1 }, errorLines: [], unparsed: [] });
  });

  it('reads the rtt line with the probes in flight appended (", pipe N")', () => {
    const p = ping('burst-pipe.txt');
    expect(p.summary).toMatchObject({ transmitted: 10, received: 10, rtt: { min: 0.05, avg: 0.087, max: 0.143, mdev: 0.026 } });
    expect(p.unparsed).toEqual([]);
  });

  it('reports lines it does not know instead of dropping them', () => {
    const out = parsePingOutput('PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.\nsomething new\n\n--- 10.0.0.1 ping statistics ---\n1 packets transmitted, 1 received, +1 corrupted, 0% packet loss, time 0ms, extra\n');
    expect(out.unparsed).toEqual(['something new', 'summary part "extra"']);
    expect(out.summary).toMatchObject({ corrupted: 1 });
  });

  it('keeps the old summary API: undefined without statistics', () => {
    expect(parsePing('ping: connect: Network is unreachable')).toBeUndefined();
    expect(parsePing(fixture('ping', 'burst-ok.txt'))).toMatchObject({ transmitted: 50, received: 50 });
  });
});
