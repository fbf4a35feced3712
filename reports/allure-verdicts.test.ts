import { describe, expect, it } from 'vitest';
import { VERDICT_LABEL } from '../suites/verdict.ts';
import { verdictListener } from './allure-verdicts.ts';
import { verdictLines } from './summary-reporter.ts';

describe('INCONCLUSIVE in the report', () => {
  it('turns a skip carrying the verdict label into Allure\'s "unknown" status with its causes; other results stay as they are', () => {
    const inconclusive = { status: 'skipped', description: 'INCONCLUSIVE: X-POD-1 could not be observed:\n  - ...', labels: [{ name: VERDICT_LABEL, value: 'inconclusive' }] };
    verdictListener.beforeTestResultWrite(inconclusive);
    expect(inconclusive).toMatchObject({ status: 'unknown', statusDetails: { message: 'INCONCLUSIVE: X-POD-1 could not be observed:\n  - ...' } });
    const skipped = { status: 'skipped', labels: [{ name: 'behaviour', value: 'K-GW-1' }] };
    verdictListener.beforeTestResultWrite(skipped);
    expect(skipped.status).toBe('skipped');
  });

  it('the run\'s closing lines count INCONCLUSIVE and harness errors apart, before the plain count', () => {
    expect(verdictLines([], [])).toBe('');
    expect(verdictLines(['calico-lab X-POD-1: INCONCLUSIVE: ...'], ['calico-lab K-GW-1: TypeError: x'])).toBe(
      'inconclusive: 1 (could not observe; not counted below)\n  calico-lab X-POD-1: INCONCLUSIVE: ...\n'
      + 'errors: 1 of the failed are harness errors, not datapath failures\n  calico-lab K-GW-1: TypeError: x\n');
  });
});
