import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { workloadManifests } from './workloads.ts';

test('the probe server script writes valid JSON naming the pod (run through sh)', () => {
  const ds = workloadManifests('unit', ['probes'], 'c').find((m) => m['kind'] === 'DaemonSet') as { spec: { template: { spec: { containers: Array<{ command: string[] }> } } } };
  const [shell, flag, script] = ds.spec.template.spec.containers[0]!.command;
  expect([shell, flag]).toEqual(['sh', '-c']);
  const dir = mkdtempSync(join(tmpdir(), 'probe-'));
  const firstLine = script!.split('\n')[0]!.replace('/tmp/body', join(dir, 'body'));
  execFileSync('sh', ['-c', firstLine], { env: { HOSTNAME: 'probe-abc' } });
  expect(JSON.parse(readFileSync(join(dir, 'body'), 'utf8'))).toEqual({ pod: 'probe-abc' });
  expect(script!.split('\n')[1]).toMatch(/^exec socat TCP-LISTEN:8080,fork,reuseaddr SYSTEM:'[^,]*'$/);
});
