import { describe, expect, it } from 'vitest';
import { parseBirdRoutes } from './birdc-routes.ts';
import { fixture } from './fixture.ts';

const load = (name: string) => parseBirdRoutes(fixture('birdc-routes', name));

describe('parseBirdRoutes (BIRD 1.x show route)', () => {
  it('reads a best route, its alternative (no prefix) and the attributes of show route all', () => {
    const r = load('bird-1.6.3-show-route-for-all.txt');
    expect(r.unparsed).toEqual([]);
    expect(r.routes.map((x) => [x.prefix, x.via, x.iface, x.protocol, x.since, x.from, x.primary, x.preference, x.origin])).toEqual([
      ['8.8.8.0/24', '192.168.11.1', 'eth2', 'v4_9370', '12:37:29', '59.106.1.2', true, 100, 'AS15169i'],
      ['8.8.8.0/24', '192.168.11.1', 'eth2', 'v4_9371', '12:38:42', '210.224.162.177', false, 100, 'AS15169i'],
    ]);
    expect(r.routes[0]!.attributes['BGP.next_hop']).toBe('157.17.128.4');
    expect(r.routes[1]!.attributes['BGP.as_path']).toBe('9371 15169');
  });

  it('reads a Calico route reflector\'s table on BIRD 1.6.8: Node_ routes, blackhole static, kernel and direct routes', () => {
    const r = load('lab-1.6.8-rr-show-route.txt');
    expect(r.version).toBe('1.6.8');
    expect(r.unparsed).toEqual([]);
    const bgp = r.routes.filter((x) => x.protocol.startsWith('Node_'));
    expect(bgp.map((x) => [x.prefix, x.via, x.protocol, x.origin])).toEqual([
      ['10.244.0.128/26', '172.30.0.13', 'Node_172_30_0_13', 'i'],
      ['10.244.0.64/26', '172.30.0.12', 'Node_172_30_0_12', 'i'],
    ]);
    expect(r.routes.find((x) => x.kind === 'blackhole')).toMatchObject({ prefix: '10.244.0.0/26', protocol: 'static1', preference: 200 });
    expect(r.routes.find((x) => x.kind === 'dev' && x.prefix === '10.244.0.10/32')?.iface).toMatch(/^cali/);
  });

  it('keeps the reflecting peer of a reflected route apart from its next hop', () => {
    const r = load('lab-1.6.8-client-show-route.txt');
    expect(r.routes.find((x) => x.prefix === '10.244.0.128/26')).toMatchObject({ via: '172.30.0.13', from: '172.30.0.11', protocol: 'Node_172_30_0_11' });
  });

  it('lists a prefix learnt over two sessions twice', () => {
    const r = load('lab-1.6.8-client-extra-session-show-route.txt');
    expect(r.unparsed).toEqual([]);
    const twice = r.routes.filter((x) => x.prefix === '10.244.0.128/26');
    expect(twice.map((x) => x.protocol).sort()).toEqual(['Node_172_30_0_11', 'Node_172_30_0_13']);
    expect(twice.filter((x) => x.primary)).toHaveLength(1);
  });

  it('reports lines it does not understand instead of dropping them', () => {
    const text = `${fixture('birdc-routes', 'lab-1.6.8-rr-show-route.txt')}Unable to connect to server control socket (/var/run/calico/bird.ctl): No such file or directory\n`;
    expect(parseBirdRoutes(text).unparsed).toEqual(['Unable to connect to server control socket (/var/run/calico/bird.ctl): No such file or directory']);
  });
});
