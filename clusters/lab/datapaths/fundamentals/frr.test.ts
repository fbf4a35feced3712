import { describe, expect, it } from 'vitest';
import { frrGaps, type FrrState } from './frr.ts';

const route = (dst: string, proto: string) => ({ type: 'unicast', dst, proto, onlink: false, raw: `${dst} proto ${proto}` });
const state: FrrState = {
  ospf: [{ vrf: 'default', routerId: '2.2.2.2', state: 'Full/-' }],
  bgp: [{ vrf: 'default', peer: '2.2.2.2', state: 'Established' }],
  routes: [route('3.3.3.3', 'ospf'), route('66.66.66.66', 'bgp')],
};

describe('frrGaps', () => {
  it('is empty once the router shows what is wanted', () => {
    expect(frrGaps('ar1', state, { ospfFull: 1, bgpEstablished: 1, routes: [{ dst: '66.66.66.66', proto: 'bgp' }] })).toEqual([]);
  });
  it('names each missing adjacency, session and route', () => {
    expect(frrGaps('ar1', { ospf: [{ vrf: 'default', routerId: '2.2.2.2', state: 'Init/-' }], bgp: [{ vrf: 'default', peer: '2.2.2.2', state: 'Connect' }], routes: [] },
      { ospfFull: 1, bgpEstablished: 1, routes: [{ dst: '66.66.66.66', proto: 'bgp' }] })).toEqual([
      'ar1: 0/1 OSPF neighbours Full (2.2.2.2=Init/-)',
      'ar1: 0/1 BGP sessions Established (2.2.2.2=Connect)',
      'ar1: no kernel route 66.66.66.66 proto bgp',
    ]);
  });
  it('names each named neighbour and peer that is not up, whatever the counts say', () => {
    expect(frrGaps('ar1', { ...state, bgp: [{ vrf: 'default', peer: '3.3.3.3', state: 'Established' }, { vrf: 'default', peer: '2.2.2.2', state: 'Idle' }] },
      { bgpEstablished: 1, ospfNeighbours: ['2.2.2.2', '9.9.9.9'], bgpPeers: ['2.2.2.2', '3.3.3.3'] })).toEqual([
      'ar1: OSPF neighbour 9.9.9.9 missing, not Full',
      'ar1: BGP session with 2.2.2.2 Idle, not Established',
    ]);
  });
});
