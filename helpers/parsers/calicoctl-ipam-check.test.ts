import { describe, it, expect } from 'vitest';
import { parseIpamCheck } from './calicoctl-ipam-check.ts';
import { fixture } from './fixture.ts';

describe('parseIpamCheck', () => {
  it('reads the summary counts of a clean run; the cut-off run has no problems line', () => {
    expect(parseIpamCheck(fixture('calicoctl-ipam-check', 'v3.24-clean-truncated.txt'))).toEqual({
      blocks: 2, allocations: 5, activePools: 2, workloadIps: 3,
      leakedIps: 0, notInActivePools: 0, inUseWithoutAllocation: 0, unparsed: [],
    });
  });

  it('reads the final problem count', () => {
    const c = parseIpamCheck(fixture('calicoctl-ipam-check', 'v3.29-problems-tail.txt'));
    expect(c.problems).toBe(63164);
    expect(c.handlesWithoutIps).toBe(63145);
    // The reporter's own elision is the one line the command never prints.
    expect(c.unparsed).toEqual(['.......']);
  });

  it('throws on unrelated text', () => {
    expect(() => parseIpamCheck('Failed to create Calico API client: invalid configuration')).toThrow(/no summary line/);
  });
});
