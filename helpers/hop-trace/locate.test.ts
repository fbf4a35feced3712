import { describe, expect, it } from 'vitest';
import { samePlace } from './locate.ts';
import { judgeRecording, recording as fixture, recordings as fixtures, type Recording } from './recordings.ts';

/** Judges a recording again from scratch: the hops from the profile's hop plan, then what each saw, then the loss. */
const locate = (f: Recording, readings = f.readings) => judgeRecording(f, readings);

describe('locating the lost packet in recorded lab traces', () => {
  it('has recordings of every kind of hop the tracer blames, each saying where it came from', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    for (const f of fixtures) expect(f.source, f.fault).toMatch(/^recorded on the lab by helpers\/hop-trace\/trace\.ts .*mutate fault/);
  });

  // Every recording where the traced pair crosses the fault names the hop the fault was injected at.
  for (const f of fixtures.filter((x) => x.fault !== 'ip-rule-prohibit')) {
    it(`${f.profile} ${f.fault}: ${f.from} -> ${f.to} ${f.probe} is lost at ${f.injectedAt.map((p) => `${p.kind}@${p.node}`).join(', ')}`, () => {
      const { location } = locate(f);
      expect(location, JSON.stringify(f.injectedAt)).toBeDefined();
      expect(f.injectedAt.some((p) => samePlace(p, location!.at)), `${location!.text}\nnamed ${JSON.stringify(location!.at)}`).toBe(true);
    });
  }

  it('TCP dropped in FORWARD (calico-vxlan): between the remote vxlan.calico and the pod\'s veth, the rule and its count named', () => {
    expect(locate(fixture('calico-vxlan/drop-tcp')).location!.text).toBe(
      'lost between vxlan.calico on node-b and cali86a12876b92 on node-b: 2 seen on vxlan.calico on node-b, 0 on cali86a12876b92 on node-b '
      + '(node-b FORWARD dropped 2: -d 10.244.0.74/32 -p tcp -m comment --comment "cni-conformance mutate drop-tcp" -j DROP)');
  });

  it('VXLAN port dropped on the remote: arrived on its eth0 as VNI 4096, its INPUT chain dropped it before vxlan.calico', () => {
    const { location } = locate(fixture('calico-vxlan/vxlan-port-dropped-remote'));
    expect(location!.text).toMatch(/^lost between eth0 on node-b and vxlan\.calico on node-b: 10 seen on eth0 on node-b, 0 on vxlan\.calico on node-b, carried as VXLAN VNI 4096 to 172\.30\.0\.12:4789 \(node-b INPUT dropped 10: -p udp -m udp --dport 4789 /);
    expect(location!.at).toEqual({ node: 'node-b', kind: 'filter', chain: 'INPUT' });
  });

  it('a wrong VTEP fdb entry: the encapsulation on the sending node is blamed, with the MAC and both addresses', () => {
    expect(locate(fixture('calico-vxlan/wrong-vtep-fdb')).location!.text).toMatch(/vxlan\.calico on node-a: 10\.244\.0\.64 is [0-9a-f:]+ on vxlan\.calico, whose fdb entry sends to 172\.30\.0\.99, not 172\.30\.0\.12/);
  });

  it('proxy ARP off: the pod cannot resolve 169.254.1.1, so its host veth (which should answer) is named, on either leg', () => {
    expect(locate(fixture('calico-vxlan/proxy-arp-off')).location!.text).toMatch(/^lost at eth0 of pod-b1: 10 sent, 0 seen on eth0 of pod-b1; pod-b1 cannot resolve 169\.254\.1\.1 on eth0 \((INCOMPLETE|FAILED)\): cali\S+ on node-b does not answer for it$/);
    expect(locate(fixture('calico-lab/proxy-arp-off')).location!.text).toMatch(/^lost at eth0 of pod-b1: 10 requests arrived, 0 replies left; pod-b1 cannot resolve 169\.254\.1\.1/);
  });

  it("a host veth that does not answer its pod's ARP because its node forwards nothing from it: that routing decision is named", () => {
    // proxy-arp-off's recording (pod-b1 -> pod-a1, calico-vxlan) with node-b's lookup from pod-b1's veth failing as it did
    // with forwarding off on node-b (mutate forwarding-off on calico-lab, this session: "RTNETLINK answers: Invalid argument").
    const f = fixture('calico-vxlan/proxy-arp-off');
    const key = 'node-b: ip -4 route get 10.244.0.10 from 10.244.0.74 iif cali86a12876b92';
    expect(f.readings.routes[key]).toBeDefined();
    const { location } = locate(f, { ...f.readings, routes: { ...f.readings.routes, [key]: 'RTNETLINK answers: Invalid argument\n' } });
    expect(location!.at).toEqual({ node: 'node-b', kind: 'route' });
    expect(location!.text).toMatch(/^lost at eth0 of pod-b1: 10 sent, 0 seen on eth0 of pod-b1; pod-b1 cannot resolve 169\.254\.1\.1 on eth0 \((INCOMPLETE|FAILED)\): cali86a12876b92 on node-b does not answer for it, as its node forwards nothing from it \(proxy ARP answers only then\); the routing decision on node-b: ip route get 10\.244\.0\.10 from 10\.244\.0\.74 iif cali86a12876b92 fails: "RTNETLINK answers: Invalid argument"$/);
    // The lookup as recorded (it succeeds): the veth itself is named, as for proxy_arp off.
    expect(locate(f).location!.at).toMatchObject({ node: 'node-b', kind: 'host-veth' });
  });

  it('a host veth MTU below the packet: the veth is named with its MTU', () => {
    expect(locate(fixture('calico-lab/host-veth-mtu')).location!.text).toMatch(/^lost between eth0 on node-b and cali\S+ on node-b: 1 seen on eth0 on node-b, 0 on cali\S+ on node-b; cali\S+ on node-b has MTU 1300$/);
  });

  it('a route to the wrong veth and forwarding off: the routing decision is named with what the kernel said', () => {
    expect(locate(fixture('calico-lab/route-to-wrong-veth')).location!.text).toMatch(/the routing decision on node-a: ip route get 10\.244\.0\.10 from 10\.244\.0\.74 iif eth0 goes out of cali\S+, not cali\S+/);
    expect(locate(fixture('flannel-host-gw/forwarding-off')).location!.text).toMatch(/the routing decision on node-b: ip route get 10\.244\.1\.2 from 10\.244\.0\.2 iif eth0 fails: "RTNETLINK answers: No route to host"$/);
  });

  it('a route to the wrong gateway: the packets leave by the right device and never reach the target node; the decision that sent them elsewhere is named', () => {
    // The route-to-wrong-veth recording (pod-b1 -> pod-a1), with node-b's route to pod-a1 via a third address, as a
    // route learnt from a wrong announcement reads (mutate overlapping-announcement on calico-bgp-mesh, this session:
    // "10.244.0.138 from 10.244.0.74 via 172.30.0.11 dev eth0"), and nothing arriving on node-a.
    const f = fixture('calico-lab/route-to-wrong-veth');
    const routeKey = Object.keys(f.readings.routes).find((k) => k.startsWith('node-b: ') && f.readings.routes[k]!.includes('via 172.30.0.11'))!;
    const nothing = f.readings.captures['node-a//calidd33ceb84a6']!;
    const readings = {
      ...f.readings,
      routes: { ...f.readings.routes, [routeKey]: f.readings.routes[routeKey]!.replace('via 172.30.0.11', 'via 172.30.0.13') },
      captures: { ...f.readings.captures, 'node-a//eth0': nothing },
    };
    const { location } = locate(f, readings);
    expect(location!.at).toEqual({ node: 'node-b', kind: 'route' });
    expect(location!.text).toMatch(/^lost between eth0 on node-b and eth0 on node-a: 10 seen on eth0 on node-b, 0 on eth0 on node-a; sent elsewhere by the routing decision on node-b: ip route get 10\.244\.0\.10 from 10\.244\.0\.74 iif cali\S+ goes via 172\.30\.0\.13, not via 172\.30\.0\.11 \(node-a\)/);
  });

  it('a route with no gateway to a pod on another node (its BGP route withdrawn): the routing decision is named', () => {
    const f = fixture('calico-lab/route-to-wrong-veth');
    const routeKey = Object.keys(f.readings.routes).find((k) => k.startsWith('node-b: ') && f.readings.routes[k]!.includes('via 172.30.0.11'))!;
    // As node-a answered with bird stopped on node-c (mutate stop-bird on calico-bgp-mesh, this session): "10.244.0.138 from 10.244.0.11 dev eth0".
    const readings = {
      ...f.readings,
      routes: { ...f.readings.routes, [routeKey]: f.readings.routes[routeKey]!.replace('via 172.30.0.11 ', '') },
      captures: { ...f.readings.captures, 'node-a//eth0': f.readings.captures['node-a//calidd33ceb84a6']! },
    };
    expect(locate(f, readings).location!.text).toMatch(/the routing decision on node-b: ip route get 10\.244\.0\.10 from 10\.244\.0\.74 iif cali\S+ goes straight out of eth0 \(no gateway\), not via 172\.30\.0\.11 \(node-a\)/);
  });

  it('50% loss: the first hop that saw fewer, with the rule\'s count', () => {
    expect(locate(fixture('calico-lab/loss-50')).location!.text).toMatch(/^lost between eth0 on node-b and cali\S+ on node-b: 10 seen on eth0 on node-b, (\d) on cali\S+ on node-b \(node-b FORWARD dropped \d+: -d 10\.244\.0\.74\/32 -m statistic/);
  });

  it('a same-node pair the fault does not cross: every hop saw the packets, nothing is named', () => {
    const { hops, location } = locate(fixture('flannel-host-gw/ip-rule-prohibit'));
    expect(location).toBeUndefined();
    expect(hops.filter((h) => h.outcome.kind === 'seen').every((h) => h.outcome.kind === 'seen' && h.outcome.count > 0)).toBe(true);
  });

  it('without the filter counters the same loss names the device it was not seen on (the counters are what point at the chain)', () => {
    const f = fixture('calico-vxlan/drop-tcp');
    const blind = Object.fromEntries(Object.entries(f.readings.iptables).map(([n, r]) => [n, { before: r.before, after: r.before }]));
    expect(locate(f, { ...f.readings, iptables: blind }).location!.at).toEqual({ node: 'node-b', kind: 'host-veth', device: 'cali86a12876b92', pod: 'pod-b1' });
  });
});

describe('packets captured after the first capture stopped', () => {
  it('are not counted: a late retransmission seen by one hop and not the next is no loss', () => {
    const f = fixture('calico-vxlan/drop-tcp');
    // A SYN retransmitted after the captures began to stop: node-a's eth0 still caught it, node-b's vxlan.calico had stopped.
    const key = Object.keys(f.readings.captures).find((k) => k.startsWith('node-a//eth0'))!;
    const late = '23:59:58.000001 IP 172.30.0.11.53199 > 172.30.0.12.4789: VXLAN, flags [I] (0x08), vni 4096\nIP 10.244.0.10.58874 > 10.244.0.74.8080: Flags [S], seq 379438885, win 64860, length 0\n';
    const captures = { ...f.readings.captures, [key]: late + f.readings.captures[key] };
    const cutoff = '23:59:57.000000000';
    expect(locate(f, { ...f.readings, captures }).location!.at).toMatchObject({ kind: 'underlay', node: 'node-b' });
    expect(locate(f, { ...f.readings, captures, cutoff }).location!.at).toEqual({ node: 'node-b', kind: 'filter', chain: 'FORWARD' });
  });
});
