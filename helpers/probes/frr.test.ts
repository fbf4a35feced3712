import { describe, expect, it } from 'vitest';
import { parseBgpNeighbourEor } from './frr.ts';

// Trimmed from FRR 8.4.4 on the fund-frr lab: vtysh -c 'show bgp neighbors 2.2.2.2 json' on ar1.
const established = JSON.stringify({ '2.2.2.2': { remoteAs: 123, bgpState: 'Established',
  gracefulRestartInfo: { endOfRibSend: { ipv4Unicast: true }, endOfRibRecv: { ipv4Unicast: true }, localGrMode: 'Helper*' } } });

describe('parseBgpNeighbourEor', () => {
  it('reads the state and the received End-of-RIB', () => {
    expect(parseBgpNeighbourEor(established, '2.2.2.2')).toEqual({ state: 'Established', eorReceived: true });
  });
  it('is not received before the End-of-RIB arrives', () => {
    const text = JSON.stringify({ '2.2.2.2': { bgpState: 'Established', gracefulRestartInfo: { endOfRibSend: {}, endOfRibRecv: {} } } });
    expect(parseBgpNeighbourEor(text, '2.2.2.2')).toEqual({ state: 'Established', eorReceived: false });
  });
  it('reads an unknown neighbour or non-JSON output as nothing yet', () => {
    expect(parseBgpNeighbourEor('{"bgpNoSuchNeighbor":true}', '2.2.2.2')).toEqual({ state: '', eorReceived: false });
    expect(parseBgpNeighbourEor('% BGP instance not found', '2.2.2.2')).toEqual({ state: '', eorReceived: false });
  });
});
