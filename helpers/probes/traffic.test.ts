import { describe, expect, it } from 'vitest';
import { fixture } from '../parsers/fixture.ts';
import { countedReplies, icmpRun, KIND_TRAFFIC, LAB_TRAFFIC, pingArgv, tcpArgv, trafficTimings, udpArgv } from './traffic.ts';

describe('traffic timings per provider', () => {
  it('kind and attach keep the values they had; the lab has its own', () => {
    expect(trafficTimings({ provider: 'kind' })).toBe(KIND_TRAFFIC);
    expect(trafficTimings({ provider: 'attach' })).toBe(KIND_TRAFFIC);
    expect(trafficTimings({ provider: 'lab' })).toBe(LAB_TRAFFIC);
    const kind = KIND_TRAFFIC;
    expect(pingArgv('10.0.0.2', { ...kind.burst, waitS: kind.waitS, quiet: true })).toEqual(['ping', '-n', '-q', '-c', '50', '-i', '0.01', '-W', '1', '10.0.0.2']);
    expect(tcpArgv('10.0.0.2', kind)).toEqual(['curl', '-sS', '--connect-timeout', '1', '-m', '2', 'http://10.0.0.2:8080/']);
    expect(udpArgv('10.0.0.2', kind)).toEqual(['socat', '-t0', '-T2', 'UDP:10.0.0.2:8081', 'SYSTEM:echo x; head -n1 >&2']);
  });

  it('the lab burst still counts 50 packets; its tail is sent on top, with the reply lines to tell them apart', () => {
    const lab = LAB_TRAFFIC;
    expect(lab.burst.count).toBe(50);
    expect(pingArgv('10.0.0.2', { ...lab.burst, waitS: lab.waitS, quiet: true })).toEqual(['ping', '-n', '-c', '60', '-i', '0.002', '-W', '0.3', '10.0.0.2']);
    expect(tcpArgv('10.0.0.2', lab)).toEqual(['curl', '-sS', '--connect-timeout', '0.3', '-m', '0.5', 'http://10.0.0.2:8080/']);
    expect(udpArgv('10.0.0.2', lab)[2]).toBe('-T0.5');
  });

  it('bounds a whole lab ping run with SIGINT (iputils prints its statistics), kind runs unbounded as before', () => {
    expect(pingArgv('10.0.0.2', { ...LAB_TRAFFIC.burst, waitS: 0.3, boundS: LAB_TRAFFIC.boundS }).slice(0, 5)).toEqual(['timeout', '-s', 'INT', '2', 'ping']);
    expect(KIND_TRAFFIC.boundS).toBeUndefined();
  });
});

describe('counted pings (real iputils 20221126 output of the lab burst)', () => {
  const burst = { count: 50, tail: 10 };
  it('counts the replies to the first 50 only', () => {
    expect(icmpRun(fixture('ping', 'burst-tail-ok.txt'), burst).counted).toEqual({ sent: 50, received: 50 });
    const cut = icmpRun(fixture('ping', 'burst-tail-blackhole.txt'), burst);
    expect(cut.counted).toEqual({ sent: 50, received: 0 });
    expect(cut.unparsed).toEqual([]);
  });

  it('sees loss among the counted packets (50% random drop)', () => {
    const text = fixture('ping', 'burst-tail-half-loss.txt');
    const run = icmpRun(text, burst);
    expect(run.counted.sent).toBe(50);
    expect(run.counted.received).toBeLessThan(50);
    expect(run.counted.received).toBe(countedReplies(text, 50));
    expect(run.summary).toMatchObject({ transmitted: 60, received: 28 });
  });

  it('leaves duplicates and tail replies out, and uses the summary when there is no tail', () => {
    const text = ['64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.010 ms', '64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.011 ms (DUP!)',
      '64 bytes from 10.0.0.2: icmp_seq=3 ttl=64 time=0.010 ms'].join('\n');
    expect(countedReplies(text, 2)).toBe(1);
    expect(icmpRun(fixture('ping', 'burst-ok.txt'), { count: 50 }).counted).toEqual({ sent: 50, received: 50 });
  });
});
