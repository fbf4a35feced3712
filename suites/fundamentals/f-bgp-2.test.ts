import { describe, expect, it } from 'vitest';
import { fBgp2, type RrView } from './f-bgp-2.ts';

const ok: RrView = { withRr: { ar1: true }, withoutRr: { reset: true, ar1: false, ar1Marker: true, ar2: true }, restored: { ar1: true } };

describe('F-BGP-2 expect', () => {
  it('holds: reflected with the RR, withheld by split horizon without it', () => {
    expect(fBgp2.expect(ok)).toEqual([]);
  });
  it('fails when ar1 keeps the route without the reflector (full mesh ar1 - ar3)', () => {
    const problems = fBgp2.expect({ ...ok, withoutRr: { ...ok.withoutRr, ar1: true } });
    expect(problems).toEqual(['without the reflector ar1 still has 66.66.66.66/32 (learnt over iBGP by ar2 from ar3): split horizon not observed']);
    expect(problems.join('\n')).toMatch(fBgp2.negativeControls[0]!.expectFailure);
  });
  it('fails when the absence has another cause, or reflection does not work', () => {
    expect(fBgp2.expect({ withRr: { ar1: false }, withoutRr: { reset: false, ar1: false, ar1Marker: false, ar2: false }, restored: { ar1: false } })).toEqual([
      'with ar2 reflecting, ar1 has no kernel route to 66.66.66.66/32: reflection to the client failed',
      "removing ar2's route-reflector-client flags did not reset the ar1 - ar2 session within 5 s (ar1 kept 22.22.22.22/32): what follows was read on the old session",
      'without the reflector ar2 itself lost 66.66.66.66/32: split horizon cannot be told from a lost route',
      "without the reflector ar1 never got ar2's own 22.22.22.22/32: the ar1-ar2 session did not come back",
      'after making ar1 and ar3 reflector clients again, ar1 did not relearn 66.66.66.66/32 within 20 s',
    ]);
  });
});
