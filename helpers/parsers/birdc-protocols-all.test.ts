import { describe, expect, it } from 'vitest';
import { parseBirdProtocolsAll } from './birdc-protocols-all.ts';
import { fixture } from './fixture.ts';

const load = (name: string) => parseBirdProtocolsAll(fixture('birdc-protocols-all', name));

describe('parseBirdProtocolsAll', () => {
  it('reads a Calico reflector\'s BGP sessions on BIRD 1.6.8 with their route-reflector flag', () => {
    const r = load('lab-1.6.8-reflector.txt');
    expect(r.version).toBe('1.6.8');
    expect(r.unparsed).toEqual([]);
    const bgp = r.protocols.filter((p) => p.proto === 'BGP');
    expect(bgp.map((p) => [p.name, p.info, p.details['Neighbor address'], p.details['Session']])).toEqual([
      ['Node_172_30_0_12', 'Established', '172.30.0.12', 'internal multihop route-reflector AS4 add-path-rx add-path-tx'],
      ['Node_172_30_0_13', 'Established', '172.30.0.13', 'internal multihop route-reflector AS4 add-path-rx add-path-tx'],
    ]);
    expect(r.protocols.find((p) => p.name === 'kernel1')?.details['Output filter']).toBe('calico_kernel_programming');
  });

  it('shows the same sessions without route-reflector once rr client is gone, and a client\'s session to the reflector', () => {
    expect(load('lab-1.6.8-reflector-without-rr-client.txt').protocols.filter((p) => p.proto === 'BGP').map((p) => p.details['Session']))
      .toEqual(['internal multihop AS4 add-path-rx add-path-tx', 'internal multihop AS4 add-path-rx add-path-tx']);
    const client = load('lab-1.6.8-client.txt').protocols.filter((p) => p.proto === 'BGP');
    expect(client.map((p) => p.details['Neighbor address'])).toEqual(['172.30.0.11']);
    expect(client[0]!.details['Session']).not.toContain('route-reflector');
  });

  it('reads BIRD 2.14\'s head of show protocols all (date-and-time since)', () => {
    const r = parseBirdProtocolsAll(fixture('birdc-protocols', 'bird-2.14-show-protocols-all-head.txt'));
    expect(r.unparsed).toEqual([]);
    expect(r.protocols.find((p) => p.name === 'bgp4')).toMatchObject({ proto: 'BGP', info: 'Established', details: { 'BGP state': 'Established', 'Neighbor address': '127.0.0.1' } });
  });

  it('reports lines it does not understand', () => {
    expect(parseBirdProtocolsAll('BIRD 1.6.8 ready.\nUnable to connect to server control socket (/var/run/calico/bird.ctl): No such file or directory').unparsed)
      .toEqual(['Unable to connect to server control socket (/var/run/calico/bird.ctl): No such file or directory']);
  });
});
