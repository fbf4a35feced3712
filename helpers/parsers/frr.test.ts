import { describe, it, expect } from 'vitest';
import { parseBgpSummary, parseOspfNeighbors } from './frr.ts';
import { fixture } from './fixture.ts';

describe('parseOspfNeighbors', () => {
  it('flattens the vrf-all shape with the older state key', () => {
    const n = parseOspfNeighbors(fixture('frr', 'ospf-vrf-all-neighbors-exporter.json'));
    expect(n).toHaveLength(4);
    expect(n[0]).toEqual({ vrf: 'default', routerId: '0.0.35.148', state: 'Full/-', iface: 'eth0' });
    expect(n.every((x) => x.state.startsWith('Full'))).toBe(true);
  });

  it('throws on non-JSON and on JSON without neighbors', () => {
    expect(() => parseOspfNeighbors('% OSPF instance not found')).toThrow(/not JSON/);
    expect(() => parseOspfNeighbors('{"routerId":"1.1.1.1"}')).toThrow(/no "neighbors" key/);
  });
});

describe('parseBgpSummary', () => {
  it('reads peers per vrf with state and received prefixes', () => {
    const p = parseBgpSummary(fixture('frr', 'bgp-vrf-all-ipv4-unicast-summary-exporter.json'));
    expect(p).toHaveLength(5);
    expect(p[0]).toEqual({ vrf: 'default', peer: '192.168.0.2', remoteAs: 64513, state: 'Established', prefixesReceived: 0 });
    expect(p.filter((x) => x.state !== 'Established').map((x) => `${x.vrf}/${x.peer}=${x.state}`))
      .toEqual(['default/192.168.0.3=Active', 'default/192.168.0.4=Idle (Admin)', 'red/192.168.1.3=Active']);
  });

  it('throws on non-JSON', () => {
    expect(() => parseBgpSummary('% BGP instance not found')).toThrow(/not JSON/);
  });
});
