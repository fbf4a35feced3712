import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAllureTimings, slowestSteps, stepKind, timeByProfile, timeByStepKind, unionMs } from './timing.ts';

describe('unionMs', () => {
  it('counts overlapping commands once and gaps not at all', () => {
    expect(unionMs([[0, 10], [5, 20], [30, 40]])).toBe(30);
    expect(unionMs([[30, 40], [0, 10], [10, 12]])).toBe(22);
    expect(unionMs([])).toBe(0);
  });
});

describe('stepKind', () => {
  it('names the steps run-profile.ts writes', () => {
    expect(stepKind('break: proxy_arp off on the first pod\'s host veth')).toBe('break (apply)');
    expect(stepKind('K-GW-1 must fail while proxy_arp=0 on cali1')).toBe('check while broken');
    expect(stepKind('restore: proxy_arp=0 on cali1')).toBe('restore (undo)');
    expect(stepKind('K-GW-1 holds again after restoring')).toBe('check after restoring');
    expect(stepKind('probe K-GW-1 on calico-lab')).toBe('check');
  });
});

describe('readAllureTimings', () => {
  // The shape allure-vitest 3.12.2 writes (one *-result.json per test), as in reports/out/allure-results.
  const dir = mkdtempSync(join(tmpdir(), 'timing-test-'));
  const result = (name: string, profile: string, start: number, steps: Array<[string, number, number]>) => ({
    uuid: name, name, status: 'passed', stage: 'finished', start, stop: start + 5000,
    labels: [{ name: 'profile', value: profile }, { name: 'behaviour', value: name.split(' ')[0] }],
    steps: steps.map(([n, s, e]) => ({ name: n, start: s, stop: e, status: 'passed', stage: 'finished', steps: [], attachments: [], parameters: [] })),
  });
  writeFileSync(join(dir, 'a-result.json'), JSON.stringify(result('K-GW-1 negative control: proxy_arp off', 'calico-lab', 1000,
    [['break: proxy_arp off', 1000, 1100], ['K-GW-1 must fail while proxy_arp=0', 1100, 4100], ['restore: proxy_arp=0', 4100, 4200], ['K-GW-1 holds again after restoring', 4200, 6000]])));
  writeFileSync(join(dir, 'b-result.json'), JSON.stringify(result('X-POD-1 pod to pod', 'calico-lab', 7000, [['probe X-POD-1 on calico-lab', 7000, 7500]])));
  writeFileSync(join(dir, 'c-attachment.txt'), 'not a result');

  it('reads every result with its profile and step times', () => {
    const tests = readAllureTimings(dir);
    expect(tests.map((t) => t.name).sort()).toEqual(['K-GW-1 negative control: proxy_arp off', 'X-POD-1 pod to pod']);
    expect(timeByProfile(tests)).toEqual([{ profile: 'calico-lab', ms: 10_000, tests: 2 }]);
    expect(slowestSteps(tests, 1)).toEqual([{ test: 'K-GW-1 negative control: proxy_arp off', profile: 'calico-lab', step: 'K-GW-1 must fail while proxy_arp=0', ms: 3000 }]);
    expect(timeByStepKind(tests)[0]).toEqual({ kind: 'check while broken', ms: 3000, count: 1 });
  });
});
