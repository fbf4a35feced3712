import { describe, expect, it } from 'vitest';
import { fOspf1, type OspfView } from './f-ospf-1.ts';

const ok: OspfView = { routers: [
  { router: 'ar1', neighbours: [{ routerId: '2.2.2.2', state: 'Full/-' }], ospfRoutes: ['2.2.2.2', '3.3.3.3', '10.1.23.0/24'] },
  { router: 'ar2', neighbours: [{ routerId: '1.1.1.1', state: 'Full/-' }, { routerId: '3.3.3.3', state: 'Full/-' }], ospfRoutes: ['1.1.1.1', '3.3.3.3'] },
  { router: 'ar3', neighbours: [{ routerId: '2.2.2.2', state: 'Full/-' }], ospfRoutes: ['1.1.1.1', '2.2.2.2', '10.1.12.0/24'] },
] };

describe('F-OSPF-1 expect', () => {
  it('holds with every adjacency Full and the loopbacks as proto ospf', () => {
    expect(fOspf1.expect(ok)).toEqual([]);
  });
  it('fails when ar2 stops talking OSPF towards ar3 (passive)', () => {
    const problems = fOspf1.expect({ routers: [
      { ...ok.routers[0]!, ospfRoutes: ['2.2.2.2'] },
      { ...ok.routers[1]!, neighbours: [{ routerId: '1.1.1.1', state: 'Full/-' }], ospfRoutes: ['1.1.1.1'] },
      { router: 'ar3', neighbours: [], ospfRoutes: [] },
    ] });
    expect(problems).toContain('ar3: OSPF neighbour 2.2.2.2 (ar2) is missing, expected Full');
    expect(problems).toContain('ar1: no kernel route to ar3\'s loopback 3.3.3.3 proto ospf (ospf routes: 2.2.2.2)');
    expect(problems.join('\n')).toMatch(fOspf1.negativeControls[0]!.expectFailure);
  });
  it('fails on an adjacency stuck before Full', () => {
    expect(fOspf1.expect({ routers: [{ ...ok.routers[0]!, neighbours: [{ routerId: '2.2.2.2', state: 'ExStart/-' }] }, ok.routers[1]!, ok.routers[2]!] }))
      .toEqual(['ar1: OSPF neighbour 2.2.2.2 (ar2) is ExStart/-, expected Full']);
  });
});
