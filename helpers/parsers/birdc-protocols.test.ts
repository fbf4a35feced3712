import { describe, it, expect } from 'vitest';
import { parseBirdProtocols, unestablished } from './birdc-protocols.ts';
import { fixture } from './fixture.ts';

const load = (name: string) => parseBirdProtocols(fixture('birdc-protocols', name));

describe('parseBirdProtocols', () => {
  it('reads BIRD 1.6 rows', () => {
    const p = load('bird-1.6.3-show-protocol.txt');
    expect(p.protocols).toHaveLength(5);
    expect(p.protocols[3]).toEqual({ name: 'v4_9370', proto: 'BGP', table: 'master', state: 'up', since: '12:37:26', info: 'Established' });
    expect(unestablished(p)).toEqual([]);
  });

  it('reads BIRD 2.0 rows with --- and master4 tables', () => {
    const p = load('bird-2.0.4-show-protocols.txt');
    expect(p.protocols.map((x) => [x.name, x.table, x.state])).toEqual([
      ['device1', '---', 'up'], ['direct1', '---', 'down'], ['kernel1', 'master4', 'up'], ['kernel2', 'master6', 'up'], ['static1', 'master4', 'up'],
    ]);
  });

  it('reads the banner version and a Passive session', () => {
    const p = load('bird-1.6.3-birdseye.txt');
    expect(p.version).toBe('1.6.3');
    expect(unestablished(p).map((x) => `${x.name} ${x.state} ${x.info}`)).toEqual(['AS17054_1 start Passive']);
  });

  it('reads the raw calico-node control socket reply', () => {
    const p = load('bird-1.5.0-calico-socket.txt');
    expect(p.version).toBe('1.5.0');
    expect(p.protocols.map((x) => x.name)).toEqual(['kernel1', 'device1', 'direct1', 'Node_10_161_1_1']);
    expect(p.protocols[3]?.info).toBe('Established');
  });

  it('reads BIRD 2.14 date-and-time since and skips detail lines', () => {
    const p = load('bird-2.14-show-protocols-all-head.txt');
    expect(p.protocols).toEqual([
      { name: 'device1', proto: 'Device', table: '---', state: 'up', since: '2024-03-08 14:39:06', info: '' },
      { name: 'bgp4', proto: 'BGP', table: '---', state: 'up', since: '2024-03-08 15:13:49', info: 'Established' },
    ]);
  });

  it('reports a row after the header it cannot read, none on the real samples', () => {
    for (const name of ['bird-1.6.3-show-protocol.txt', 'bird-2.0.4-show-protocols.txt', 'bird-1.5.0-calico-socket.txt', 'bird-2.14-show-protocols-all-head.txt']) {
      expect(load(name).unparsed, name).toEqual([]);
    }
    const text = fixture('birdc-protocols', 'bird-1.6.3-show-protocol.txt');
    expect(parseBirdProtocols(`${text}\nsyntax error, unexpected CF_SYM_UNDEFINED\n`).unparsed).toEqual(['syntax error, unexpected CF_SYM_UNDEFINED']);
  });

  it('throws without a header', () => {
    expect(() => parseBirdProtocols('Unable to connect to server control socket (/run/bird/bird.ctl)')).toThrow(/no "name proto table state since info" header/);
  });
});
