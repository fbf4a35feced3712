import { describe, expect, it } from 'vitest';
import type { ClusterHandle } from '../../clusters/types.ts';
import { checkBehaviour, defineBehaviour } from '../../suites/check.ts';
import { parseIpRouteWithUnparsed } from '../parsers/ip-route.ts';
import { rawOf, type Probed } from './net.ts';
import { unparsedEntry, unparsedProblems } from './unparsed.ts';

describe('unparsed lines become problems', () => {
  it('rawOf records a probe\'s unparsed lines beside its raw text, and nothing when there are none', () => {
    const clean: Probed<unknown> = { command: 'ip -4 route show table main', raw: 'default via 10.0.0.1 dev eth0', value: [] };
    expect(rawOf([['node-a', clean]])).toEqual({ 'node-a: ip -4 route show table main': 'default via 10.0.0.1 dev eth0' });
    const odd: Probed<unknown> = { ...clean, unparsed: ['Error: ipv4: FIB table does not exist.'] };
    expect(unparsedProblems(rawOf([['node-a', odd]]))).toEqual([
      'node-a: ip -4 route show table main: 1 output line(s) the parser does not understand: "Error: ipv4: FIB table does not exist."',
    ]);
    expect(unparsedEntry('x', [])).toEqual({});
  });

  it('checkBehaviour fails a behaviour whose probe met output it could not read, even when the expectation holds', async () => {
    const text = 'default via 10.0.0.1 dev eth0\nRTNETLINK answers: Operation not permitted\n';
    const b = defineBehaviour<number>({
      id: 'T-1', title: 't', docs: '', requires: [], negativeControls: [],
      async probe() {
        const { value, unparsed } = parseIpRouteWithUnparsed(text);
        return { raw: rawOf([['node-a', { command: 'ip route', raw: text, value, unparsed }]]), value: value.length };
      },
      expect: () => [],
    });
    const r = await checkBehaviour(b, {} as ClusterHandle);
    expect(r.problems).toEqual(['node-a: ip route: 1 output line(s) the parser does not understand: "RTNETLINK answers: Operation not permitted"']);
  });
});
