import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { calicoLab } from '../clusters/profiles/lab/calico-lab.ts';
import { LABEL, newRunId, removeRunSync } from '../clusters/run.ts';
import { renderReport } from './report.ts';
import { mutateProfile } from './run.ts';

describe('npm run mutate on calico-lab with two faults', () => {
  it('measures the healthy cluster, catches proxy_arp off with K-GW-1, prints table and score, and removes its containers', async () => {
    // A run id of its own: calico-lab's profile file builds a cluster of the same name in this vitest run, maybe at the same time.
    const runId = newRunId();
    process.once('exit', () => removeRunSync(runId, calicoLab.name));
    const lines: string[] = [];
    const outcome = await mutateProfile(calicoLab, { runId, log: (l) => lines.push(l), faults: ['proxy-arp-off', 'drop-tcp'] });
    expect(outcome.baseline).toEqual([]);
    expect(outcome.faults.map((f) => f.fault)).toEqual(['drop-tcp', 'proxy-arp-off']);
    const proxyArp = outcome.faults.find((f) => f.fault === 'proxy-arp-off')!;
    // K-GW-1's own negative control breaks proxy_arp: a fault its check is known to catch.
    expect(proxyArp.result).toBe('caught');
    expect(proxyArp.caughtBy).toContain('K-GW-1');
    expect(outcome.faults.every((f) => f.result === 'caught' || f.result === 'missed')).toBe(true);
    const text = renderReport([outcome]);
    expect(text).toMatch(/proxy-arp-off +X +/);
    expect(text).toMatch(/score calico-lab: [12]\/2 caught \((50|100)%\)/);
    expect(lines.some((l) => l.includes('healthy: K-GW-1, X-POD-1, X-MTU-1 hold'))).toBe(true);
    const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABEL.run}=${runId}`, '--filter', `label=${LABEL.cluster}=${calicoLab.name}`], { encoding: 'utf8' }).trim();
    expect(left).toBe('');
  });
});
