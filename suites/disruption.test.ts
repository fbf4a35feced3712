import { describe, expect, it } from 'vitest';
import { behaviour } from './catalogue.ts';
import { attachNotice, checkSkipReason, controlListing, controlSkipReason } from './disruption.ts';
import { getProfile } from '../clusters/profiles/index.ts';
import type { NegativeControl } from './types.ts';

const control: NegativeControl = { name: 'every Cilium agent restarted', apply: async () => { throw new Error('not in a unit test'); }, expectFailure: /x/ };

describe('negative controls on an attached cluster', () => {
  it('run on clusters the harness built', () => {
    expect(controlSkipReason('C-HR-1', control, {})).toBeUndefined();
  });

  it('are skipped on an attached cluster unless asked for, and the skip says why and how to opt in', () => {
    const reason = controlSkipReason('C-HR-1', control, { CNI_CONFORMANCE_ATTACH: 'prod-ctx' });
    expect(reason).toMatch(/C-HR-1 negative control not run on attached context "prod-ctx": the harness did not create this cluster/);
    expect(reason).toMatch(/every Cilium agent restarted/);
    expect(reason).toMatch(/--allow-disruptive \(or CNI_CONFORMANCE_ALLOW_DISRUPTIVE=1\)/);
    expect(controlSkipReason('C-HR-1', control, { CNI_CONFORMANCE_ATTACH: 'prod-ctx', CNI_CONFORMANCE_ALLOW_DISRUPTIVE: '1' })).toBeUndefined();
  });

  it('are listed, each with what it will do, before anything runs', () => {
    const profile = getProfile('kind/calico-bgp-mesh');
    const lines = controlListing(profile.behaviours, behaviour);
    const expected = profile.behaviours.flatMap((id) => behaviour(id).negativeControls.map((c) => `${id} negative control: ${c.name}`));
    expect(lines).toEqual(expected);
    expect(lines.length).toBeGreaterThan(0);
    const skipped = attachNotice(lines, { CNI_CONFORMANCE_ATTACH: 'prod-ctx' })!;
    expect(skipped).toMatch(/only non-disruptive checks run; \d+ step\(s\) that change the cluster are skipped \(pass --allow-disruptive to run them\)/);
    for (const line of lines) expect(skipped).toContain(`  - ${line}`);
    expect(attachNotice(lines, { CNI_CONFORMANCE_ATTACH: 'prod-ctx', CNI_CONFORMANCE_ALLOW_DISRUPTIVE: '1' })).toMatch(/will change the cluster, one at a time; each negative control breaks it and undoes the breakage/);
    expect(attachNotice(lines, {})).toBeUndefined();
  });

  it('a check that itself deploys workloads (C-CT-1) is gated and listed like a control', () => {
    expect(checkSkipReason('C-CT-1', { CNI_CONFORMANCE_ATTACH: 'prod-ctx' })).toMatch(/^C-CT-1 not run on attached context "prod-ctx": the check runs cilium connectivity test, which deploys .*--allow-disruptive/);
    expect(checkSkipReason('C-CT-1', {})).toBeUndefined();
    expect(checkSkipReason('C-CT-1', { CNI_CONFORMANCE_ATTACH: 'prod-ctx', CNI_CONFORMANCE_ALLOW_DISRUPTIVE: '1' })).toBeUndefined();
    expect(checkSkipReason('K-GW-1', { CNI_CONFORMANCE_ATTACH: 'prod-ctx' })).toBeUndefined();
    expect(controlListing(['C-CT-1'], behaviour)[0]).toMatch(/^C-CT-1 check: the check runs cilium connectivity test/);
  });
});
