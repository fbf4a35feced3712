import { describe, expect, it } from 'vitest';
import { fixture } from './fixture.ts';
import { parseTcpdump, parseTcpdumpWithUnparsed } from './tcpdump.ts';

describe('parseTcpdump', () => {
  it('reads VXLAN outer addresses, UDP ports, VNI and the inner frame line', () => {
    const p = parseTcpdump(fixture('tcpdump', 'evpnl3-leaf1-vxlan.txt'));
    expect(p).toHaveLength(2);
    expect(p[0]).toMatchObject({ proto: 'IP', src: '100.64.0.1', srcPort: 48561, dst: '100.65.0.2', dstPort: 4789, vni: 100 });
    expect(p[0]!.inner).toEqual(['IP 192.168.10.1 > 192.168.11.1: ICMP echo request, id 5, seq 1, length 64']);
  });

  it('reads link-level headers with -e and skips blank lines', () => {
    const p = parseTcpdump(fixture('tcpdump', 'cumulus-swp51-vxlan-e.txt'));
    expect(p).toHaveLength(2);
    expect(p[1]).toMatchObject({ ethSrc: '44:38:39:00:00:50', ethDst: '44:38:39:00:00:4f', proto: 'IP', dst: '10.255.255.3', dstPort: 4789, vni: 15 });
    expect(p[1]!.inner[0]).toMatch(/10\.0\.100\.11 > 10\.0\.100\.13: ICMP echo reply/);
  });

  it('skips the banner and statistics of the lab capture, keeps the ARP inside VXLAN', () => {
    const p = parseTcpdump(fixture('tcpdump', 'lab-bookworm-vxlan-arp.txt'));
    expect(p.map((x) => [x.vni, x.dstPort, x.inner])).toEqual([
      [5, 4789, ['ARP, Request who-has 20.1.1.2 tell 20.1.1.1, length 28']],
      [5, 4789, ['ARP, Reply 20.1.1.2 is-at 62:45:dc:a5:c3:3f, length 28']],
    ]);
  });

  it('reads a plain ICMP line and an ARP broadcast with -e', () => {
    const [icmp, arp] = parseTcpdump([
      '10:00:00.000001 IP 10.244.1.2 > 10.244.2.2: ICMP echo request, id 7, seq 1, length 64',
      '10:00:00.000002 4e:61:13:23:e1:cb > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.30.1.2 tell 10.30.1.1, length 28',
    ].join('\n'));
    expect(icmp).toMatchObject({ proto: 'IP', src: '10.244.1.2', dst: '10.244.2.2', info: 'ICMP echo request, id 7, seq 1, length 64' });
    expect(icmp!.vni).toBeUndefined();
    expect(arp).toMatchObject({ ethDst: 'ff:ff:ff:ff:ff:ff', proto: 'ARP', info: 'Request who-has 10.30.1.2 tell 10.30.1.1, length 28' });
  });

  it('reports a line before the first packet that is not tcpdump banner, none on the real captures', () => {
    for (const name of ['evpnl3-leaf1-vxlan.txt', 'cumulus-swp51-vxlan-e.txt', 'lab-bookworm-vxlan-arp.txt']) expect(parseTcpdumpWithUnparsed(fixture('tcpdump', name)).unparsed, name).toEqual([]);
    expect(parseTcpdumpWithUnparsed('tcpdump: eth9: No such device exists\nsh: 1: tcpdump: Permission denied\n').unparsed).toEqual(['sh: 1: tcpdump: Permission denied']);
  });

  it('returns nothing for a capture that saw no packet', () => {
    expect(parseTcpdump('listening on eth1, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n0 packets captured\n')).toEqual([]);
  });
});
