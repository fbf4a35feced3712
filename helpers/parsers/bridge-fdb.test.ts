import { describe, expect, it } from 'vitest';
import { parseBridgeFdb } from './bridge-fdb.ts';
import { fixture } from './fixture.ts';

describe('parseBridgeFdb', () => {
  it('reads a learnt entry and the all-zero default of a point-to-point VXLAN', () => {
    expect(parseBridgeFdb(fixture('bridge-fdb', 'lab-bookworm-vxlan.json'))).toEqual([
      { mac: '62:45:dc:a5:c3:3f', dst: '192.168.2.62', state: '', allZero: false },
      { mac: '00:00:00:00:00:00', dst: '192.168.2.62', state: 'permanent', allZero: true },
    ]);
  });

  it('reads the group entry of a multicast VXLAN', () => {
    expect(parseBridgeFdb(fixture('bridge-fdb', 'lab-bookworm-vxlan-group.json'))).toEqual([
      { mac: '00:00:00:00:00:00', dst: '239.1.1.1', state: 'permanent', allZero: true },
    ]);
  });

  it('treats empty output as no entries and rejects non-JSON', () => {
    expect(parseBridgeFdb('')).toEqual([]);
    expect(() => parseBridgeFdb('Cannot find device "vxlan9"')).toThrow(/not JSON/);
  });
});
