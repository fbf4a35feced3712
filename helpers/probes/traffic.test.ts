import { describe, expect, it } from 'vitest';
import { fixture } from '../parsers/fixture.ts';
import { execa } from 'execa';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Executor } from '../../clusters/types.ts';
import { icmpClient, icmpRun, KIND_TRAFFIC, LAB_TRAFFIC, pace, paced, pingArgv, runClients, tcpArgv, tcpClient, trafficTimings, udpArgv, udpClient, type Client } from './traffic.ts';

describe('traffic timings per provider', () => {
  it('kind and attach keep the values they had; the lab has its own', () => {
    expect(trafficTimings({ provider: 'kind' })).toBe(KIND_TRAFFIC);
    expect(trafficTimings({ provider: 'attach' })).toBe(KIND_TRAFFIC);
    expect(trafficTimings({ provider: 'lab' })).toBe(LAB_TRAFFIC);
    const kind = KIND_TRAFFIC;
    expect(pingArgv('10.0.0.2', { ...kind.burst, waitS: kind.waitS, quiet: true })).toEqual(['ping', '-n', '-q', '-c', '50', '-i', '0.01', '-W', '1', '10.0.0.2']);
    expect(tcpArgv('10.0.0.2', kind)).toEqual(['curl', '-sS', '--connect-timeout', '1', '-m', '2', 'http://10.0.0.2:8080/']);
    expect(udpArgv('10.0.0.2', kind)).toEqual(['perl', '-MIO::Socket::INET', '-e', expect.stringContaining('select('), '10.0.0.2', '8081', '2']);
  });

  it('the lab burst: 50 pings sent at once (-l 50), replies awaited 0.3 s', () => {
    const lab = LAB_TRAFFIC;
    expect(pingArgv('10.0.0.2', { ...lab.burst, waitS: lab.waitS, quiet: true, preload: lab.preload })).toEqual(['ping', '-n', '-q', '-c', '50', '-l', '50', '-i', '0.01', '-W', '0.3', '10.0.0.2']);
    expect(KIND_TRAFFIC.preload).toBeUndefined();
    expect(tcpArgv('10.0.0.2', lab)).toEqual(['curl', '-sS', '--connect-timeout', '0.3', '-m', '0.5', 'http://10.0.0.2:8080/']);
    expect(udpArgv('10.0.0.2', lab).slice(-3)).toEqual(['10.0.0.2', '8081', '0.5']);
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

/** Runs argv on this machine (the batch script is plain POSIX sh, as in a lab node or netshoot). */
const local: Executor = {
  async exec(argv) {
    const r = await execa(argv[0]!, argv.slice(1), { reject: false });
    return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
  },
};

/** A client that appends its name to `log` when it runs and prints `out`; failed when it printed "fail". */
function logged(log: string, name: string, out: string, confirm?: Client<string>): Client<string> {
  return {
    argv: ['sh', '-c', `echo ${name} >> ${log}; echo ${out}`], parse: (r) => r.stdout.trim(),
    ...(confirm ? { confirm: { failed: (v: string) => v === 'fail', client: confirm } } : {}),
  };
}

describe('a failed client is confirmed before its failure counts', () => {
  it('runs only the failed clients again, with their confirmation client; the confirmation counts, the report keeps both', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'cnc-confirm-')), 'runs');
    const results = await runClients(local, [
      logged(log, 'slow', 'fail', logged(log, 'slow-again', 'ok')),
      logged(log, 'fine', 'ok', logged(log, 'fine-again', 'ok')),
      logged(log, 'dead', 'fail', logged(log, 'dead-again', 'fail')),
    ]);
    expect(readFileSync(log, 'utf8').trim().split('\n').sort()).toEqual(['dead', 'dead-again', 'fine', 'slow', 'slow-again']);
    expect(results.map((r) => r.value)).toEqual(['ok', 'ok', 'fail']);
    expect(results[0]!.firstAttempt?.value).toBe('fail');
    expect(results[0]!.raw).toMatch(/^first run: sh -c echo slow .*\nfail\n\(exit 0\)\n\nconfirmation run \(generous deadlines\): sh -c echo slow-again/s);
    expect(results[1]!.firstAttempt).toBeUndefined();
  });

  it('a first run that missed and a confirmation that answered stretch later first deadlines (the machine is slow); two that fail do not', async () => {
    pace.factor = 1;
    await runClients(local, [logged('/dev/null', 'dead', 'fail', logged('/dev/null', 'dead-again', 'fail'))]);
    expect(pace.factor).toBe(1);
    await runClients(local, [logged('/dev/null', 'slow', 'fail', logged('/dev/null', 'slow-again', 'ok'))]);
    expect(pace.factor).toBe(1.5);
    expect(trafficTimings({ provider: 'lab' })).toMatchObject({ waitS: 0.45, connectS: 0.45, replyS: 0.75, boundS: 3, confirm: LAB_TRAFFIC.confirm });
    for (let i = 0; i < 10; i++) await runClients(local, [logged('/dev/null', 'slow', 'fail', logged('/dev/null', 'slow-again', 'ok'))]);
    expect(pace.factor).toBe(4);
    // Batches that answer at their first run ease it back, down to 1.
    await runClients(local, [logged('/dev/null', 'quick', 'ok', logged('/dev/null', 'quick-again', 'ok'))]);
    expect(pace.factor).toBe(3.2);
    for (let i = 0; i < 10; i++) await runClients(local, [logged('/dev/null', 'quick', 'ok', logged('/dev/null', 'quick-again', 'ok'))]);
    expect(pace.factor).toBe(1);
    // Stretched past the confirmation's deadlines, the confirmation waits at least as long as the first run.
    expect(paced(LAB_TRAFFIC, 12).confirm).toEqual({ waitS: 3.6, connectS: 3.6, replyS: 6, boundS: 24 });
    expect(trafficTimings({ provider: 'lab' })).toBe(LAB_TRAFFIC);
  });

  it('a client the host never ran is unobserved, with the cause, and not run again', async () => {
    const silent: Executor = { exec: async () => ({ stdout: '', stderr: 'Error response from daemon: container is not running', exitCode: 1 }) };
    const [r] = await runClients(silent, [logged('/dev/null', 'x', 'fail', logged('/dev/null', 'y', 'ok'))]);
    expect(r!.unobserved).toMatch(/^the client did not run: batch did not report this command: sh exited 1: Error response from daemon/);
    expect(r!.firstAttempt).toBeUndefined();
  });

  it('traffic clients carry their confirmation with the generous deadlines of their timings', () => {
    const lab = LAB_TRAFFIC;
    const tcp = tcpClient('10.0.0.2', lab);
    expect(tcp.confirm?.client.argv).toEqual(tcpArgv('10.0.0.2', lab.confirm));
    expect(tcp.confirm?.failed({ unparsed: [], error: 'curl: (28) x' })).toBe(true);
    expect(tcp.confirm?.failed({ unparsed: [], answeredBy: 'pod-b1' })).toBe(false);
    expect(udpClient('10.0.0.2', lab).confirm?.client.argv.slice(-1)).toEqual([String(lab.confirm.replyS)]);
    const ping = icmpClient('10.0.0.2', { ...lab.burst, waitS: lab.waitS, boundS: lab.boundS, preload: true, quiet: true, confirm: lab.confirm });
    expect(ping.confirm?.client.argv).toEqual(pingArgv('10.0.0.2', { ...lab.burst, waitS: lab.confirm.waitS, boundS: lab.confirm.boundS, preload: true, quiet: true }));
    expect(ping.confirm?.failed(icmpRun(fixture('ping', 'burst-preload-half-loss.txt')))).toBe(true);
    expect(ping.confirm?.failed(icmpRun(fixture('ping', 'burst-preload-ok.txt')))).toBe(false);
    // Without confirmation deadlines (e.g. a ping that is meant to fail), nothing is confirmed.
    expect(icmpClient('10.0.0.2', { ...lab.burst, waitS: lab.waitS }).confirm).toBeUndefined();
  });
});
