import { execFile } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { docker } from '../clusters/docker.ts';
import { LABEL, newRunId } from '../clusters/run.ts';

const root = new URL('../', import.meta.url).pathname;

describe('npm run conformance on a lab profile', () => {
  it('shares the tests between two clusters of the profile, reports each test\'s cluster, and removes both (the report itself: reports/*.test.ts)', async () => {
    const runId = newRunId();
    const out = `/tmp/cni-conformance-lanes-${runId}`;
    try {
      const run = await promisify(execFile)(process.execPath, ['cli/conformance.ts', '--profile', 'calico-lab', '--behaviour', 'K-GW-1', '--no-report'], {
        cwd: root,
        env: { ...process.env, CNI_CONFORMANCE_RUN_ID: runId, CNI_CONFORMANCE_OUT: out, CNI_CONFORMANCE_OWNER_PID: '', CNI_CONFORMANCE_LAB_LANES: '' },
        maxBuffer: 64 << 20,
      });
      expect(run.stdout).toContain('5 passed, 0 failed, 0 skipped');
      const results = await Promise.all((await readdir(join(out, 'allure-results'))).filter((f) => f.endsWith('-result.json'))
        .map(async (f) => JSON.parse(await readFile(join(out, 'allure-results', f), 'utf8')) as { status: string; parameters: Array<{ name: string; value: string; excluded?: boolean }> }));
      expect(results.map((r) => r.status)).toEqual(Array(5).fill('passed'));
      const clusters = results.map((r) => r.parameters.find((p) => p.name === 'cluster'));
      expect(clusters.every((c) => c?.excluded === true)).toBe(true);
      // Five tests at once on two lanes: both clusters took some.
      expect(new Set(clusters.map((c) => c?.value))).toEqual(new Set(['calico-lab', 'calico-lab-2']));
      const left = await docker(['ps', '-aq', '--filter', `label=${LABEL.run}=${runId}`]);
      expect(left.stdout.trim()).toBe('');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
