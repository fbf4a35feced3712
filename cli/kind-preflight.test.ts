import { describe, expect, it } from 'vitest';
import { cgroupFindings } from '../clusters/doctor/cgroup.ts';
import { formatFindings, problem, stopping } from '../clusters/doctor/index.ts';
import type { Finding } from '../clusters/doctor/types.ts';
import { encodeVerdict, KIND_VERDICT_ENV } from '../clusters/kind/detect.ts';
import { kindPreflight } from './kind-preflight.ts';

function deps(findings: Finding[]) {
  const said: string[] = [];
  let detections = 0;
  return {
    said, detections: () => detections,
    deps: {
      doctor: async () => findings, detect: async () => { detections++; return undefined; }, encode: encodeVerdict, verdictEnv: KIND_VERDICT_ENV,
      format: (f: Finding[]) => formatFindings(f), stopping, problem, warn: (t: string) => said.push(t),
    },
  };
}

describe('a kind run before it starts', () => {
  it('refuses on a doctor failure that stops the profile, with the fix, before the detection or anything else', async () => {
    const d = deps(cgroupFindings('1', 36));
    await expect(kindPreflight('flannel-vxlan', d.deps)).rejects.toThrow(/failed to run kind profile "flannel-vxlan": the doctor found what stops it[\s\S]*cgroup v1[\s\S]*fix: boot the host with cgroup v2/);
    expect(d.detections()).toBe(0);
  });

  it('warnings are printed, and the one detection\'s verdict is what the run hands to vitest', async () => {
    const d = deps(cgroupFindings('1', 36, true));
    expect(await kindPreflight('flannel-vxlan', d.deps)).toEqual({ [KIND_VERDICT_ENV]: encodeVerdict(undefined) });
    expect(d.said.join('\n')).toMatch(/⚠️ {2}cgroup version/);
    expect(d.detections()).toBe(1);
  });
});
