import { describe, expect, it } from 'vitest';
import { fixture } from '../parsers/fixture.ts';
import { icmpRun, KIND_TRAFFIC, LAB_TRAFFIC, pingArgv, tcpArgv, trafficTimings, udpArgv } from './traffic.ts';

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

  it('the lab burst: 50 pings sent at once (-l 50), replies awaited 0.3 s', () => {
    const lab = LAB_TRAFFIC;
    expect(pingArgv('10.0.0.2', { ...lab.burst, waitS: lab.waitS, quiet: true, preload: lab.preload })).toEqual(['ping', '-n', '-q', '-c', '50', '-l', '50', '-i', '0.01', '-W', '0.3', '10.0.0.2']);
    expect(KIND_TRAFFIC.preload).toBeUndefined();
    expect(tcpArgv('10.0.0.2', lab)).toEqual(['curl', '-sS', '--connect-timeout', '0.3', '-m', '0.5', 'http://10.0.0.2:8080/']);
    expect(udpArgv('10.0.0.2', lab)[2]).toBe('-T0.5');
  });

  it('bounds a whole lab ping run with SIGINT (iputils prints its statistics), kind runs unbounded as before', () => {
    expect(pingArgv('10.0.0.2', { ...LAB_TRAFFIC.burst, waitS: 0.3, boundS: LAB_TRAFFIC.boundS }).slice(0, 5)).toEqual(['timeout', '-s', 'INT', '2', 'ping']);
    expect(KIND_TRAFFIC.boundS).toBeUndefined();
  });
});

describe('counted pings (real iputils 20221126 output of the lab burst)', () => {
  it('reads the summary of a preloaded burst, its pipe included', () => {
    const ok = icmpRun(fixture('ping', 'burst-preload-ok.txt'));
    expect(ok.counted).toEqual({ sent: 50, received: 50 });
    expect(ok.unparsed).toEqual([]);
    const cut = icmpRun(fixture('ping', 'burst-preload-blackhole.txt'));
    expect(cut.counted).toEqual({ sent: 50, received: 0 });
    expect(cut.unparsed).toEqual([]);
  });

  it('sees loss (50% random drop) and a run its bound cut short', () => {
    expect(icmpRun(fixture('ping', 'burst-preload-half-loss.txt')).counted).toEqual({ sent: 50, received: 20 });
    const bounded = icmpRun(fixture('ping', 'burst-preload-bounded.txt'));
    expect(bounded.counted).toEqual({ sent: 6, received: 0 });
    expect(bounded.unparsed).toEqual([]);
  });
});
