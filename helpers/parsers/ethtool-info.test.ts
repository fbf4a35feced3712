import { describe, expect, it } from 'vitest';
import { parseEthtoolInfo } from './ethtool-info.ts';
import { fixture } from './fixture.ts';

describe('parseEthtoolInfo', () => {
  it('reads an empty bus-info on a veth as empty, not as the next line', () => {
    const info = parseEthtoolInfo(fixture('ethtool', 'lab-bookworm-veth.txt'));
    expect(info).toMatchObject({ driver: 'veth', version: '1.0', firmwareVersion: '', busInfo: '' });
    expect(info.fields['supports-statistics']).toBe('yes');
    expect(info.unparsed).toEqual([]);
  });

  it('reads a PCI bus-info that follows an empty field without a trailing space', () => {
    const info = parseEthtoolInfo(fixture('ethtool', 'ethq-27-ice-iavf.txt'));
    expect(info).toMatchObject({ driver: 'iavf', busInfo: '0000:3b:01.0' });
    expect(info.fields['expansion-rom-version']).toBe('');
    expect(info.unparsed).toEqual([]);
  });

  it('reports what is not a field', () => {
    expect(parseEthtoolInfo('Cannot get driver information: Operation not supported\n').unparsed).toEqual(['Cannot get driver information: Operation not supported']);
  });
});

describe('K-VPP-1 ethtool reader', () => {
  it('reads the empty bus-info of a veth uplink (not "supports-statistics:")', async () => {
    const { readEthtool } = await import('../../suites/calico/k-vpp-1.ts');
    expect(readEthtool(fixture('ethtool', 'lab-bookworm-veth.txt'))).toEqual({ driver: 'veth', busInfo: '' });
  });
});
