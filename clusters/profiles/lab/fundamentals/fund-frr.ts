import { frrDatapath, type FrrWant } from '../../../lab/datapaths/fundamentals/frr.ts';
import type { LabNodeSpec, LabProfile } from '../../../lab/types.ts';
import { EBGP_PREFIX, FRR_LOOPBACKS, RR_MARKER_PREFIX } from './plan.ts';

const DAEMONS = `zebra=yes
ospfd=yes
bgpd=yes
staticd=no
vtysh_enable=yes
zebra_options="  -A 127.0.0.1 -s 90000000"
ospfd_options="  -A 127.0.0.1"
bgpd_options="   -A 127.0.0.1"
`;

// Lab timers, as real labs set them (all commands as in FRR 8.4.4's ospfd/ospf_vty.c and bgpd/bgp_vty.c):
// point-to-point links (no DR election); "dead-interval minimal hello-multiplier 4": dead 1 s, a hello
// every 250 ms; retransmit 1 s instead of 5.
const ospfIface = (iface: string) => `interface ${iface}
 ip ospf network point-to-point
 ip ospf dead-interval minimal hello-multiplier 4
 ip ospf retransmit-interval 1
!`;
// "timers lsa min-arrival 0": the default 1000 ms (OSPF_MIN_LS_ARRIVAL) discards a newer instance of an
// LSA arriving within 1 s of the last (ospfd/ospf_flood.c), so the router-LSAs re-originated as the
// chain's adjacencies come up waited for retransmission: loopbacks took ~11 s to reach ar1, ~1.5 s with 0.
// SPF at once, hold 50 ms doubling to at most 200 ms instead of 5 s.
const OSPF_TIMERS = ' timers lsa min-arrival 0\n timers throttle spf 0 50 200';
// BGP: keepalive 1 s / hold 3 s, connect retry 1 s, advertisement interval 0 (FRR 8.4's default
// BGP_DEFAULT_IBGP_ROUTEADV/EBGP_ROUTEADV are 0 already, bgpd/bgpd.h; set so the lab does not rest on it);
// "bgp fast-convergence" drops a session at once when its next hop becomes unreachable instead of at hold
// expiry; "coalesce-time 100": a newly established peer gets its first updates after 100 ms, not ~1 s
// (BGP_DEFAULT_SUBGROUP_COALESCE_TIME, bgpd/bgp_updgrp.h).
const BGP_TIMERS = ' timers bgp 1 3\n bgp fast-convergence\n coalesce-time 100';
const peerTimers = (peer: string) => ` neighbor ${peer} timers connect 1\n neighbor ${peer} advertisement-interval 0`;
// iBGP over loopbacks.
const ibgp = (peer: string) => ` neighbor ${peer} remote-as 123\n neighbor ${peer} update-source lo\n${peerTimers(peer)}`;

const AR1 = `frr defaults traditional
hostname ar1
${ospfIface('eth1')}
router ospf
${OSPF_TIMERS}
 ospf router-id 1.1.1.1
 network 1.1.1.1/32 area 0
 network 10.1.12.0/24 area 0
!
router bgp 123
 bgp router-id 1.1.1.1
${BGP_TIMERS}
${ibgp('2.2.2.2')}
 address-family ipv4 unicast
  neighbor 2.2.2.2 activate
 exit-address-family
!
`;

// ar2 reflects between its clients ar1 and ar3 (no ar1-ar3 session), as the notes' AR2.
const AR2 = `frr defaults traditional
hostname ar2
${ospfIface('eth1')}
${ospfIface('eth2')}
router ospf
${OSPF_TIMERS}
 ospf router-id 2.2.2.2
 network 2.2.2.2/32 area 0
 network 10.1.12.0/24 area 0
 network 10.1.23.0/24 area 0
!
router bgp 123
 bgp router-id 2.2.2.2
${BGP_TIMERS}
${ibgp('1.1.1.1')}
${ibgp('3.3.3.3')}
 address-family ipv4 unicast
  network ${RR_MARKER_PREFIX}
  neighbor 1.1.1.1 activate
  neighbor 1.1.1.1 route-reflector-client
  neighbor 3.3.3.3 activate
  neighbor 3.3.3.3 route-reflector-client
 exit-address-family
!
`;

// ar3 borders AS 400: next-hop-self towards iBGP (10.1.34.0/24 is not in OSPF), loopbacks announced to AR4.
const AR3 = `frr defaults traditional
hostname ar3
${ospfIface('eth1')}
router ospf
${OSPF_TIMERS}
 ospf router-id 3.3.3.3
 network 3.3.3.3/32 area 0
 network 10.1.23.0/24 area 0
!
router bgp 123
 bgp router-id 3.3.3.3
 no bgp ebgp-requires-policy
${BGP_TIMERS}
${ibgp('2.2.2.2')}
 neighbor 10.1.34.2 remote-as 400
${peerTimers('10.1.34.2')}
 address-family ipv4 unicast
  network 1.1.1.1/32
  network 2.2.2.2/32
  network 3.3.3.3/32
  neighbor 2.2.2.2 activate
  neighbor 2.2.2.2 next-hop-self
  neighbor 10.1.34.2 activate
 exit-address-family
!
`;

const AR4 = `frr defaults traditional
hostname ar4
router bgp 400
 bgp router-id 10.1.34.2
 no bgp ebgp-requires-policy
${BGP_TIMERS}
 neighbor 10.1.34.1 remote-as 123
${peerTimers('10.1.34.1')}
 address-family ipv4 unicast
  network ${EBGP_PREFIX}
  neighbor 10.1.34.1 activate
 exit-address-family
!
`;

const router = (name: string, conf: string, loopbacks: string[]): LabNodeSpec => ({
  name,
  role: 'router',
  files: { '/etc/frr/daemons': DAEMONS, '/etc/frr/frr.conf': conf },
  setup: [...loopbacks.map((a) => `ip addr add ${a} dev lo`), 'chown frr:frr /etc/frr/frr.conf /etc/frr/daemons', '/usr/lib/frr/frrinit.sh start >/dev/null'],
});

const EBGP_HOST = EBGP_PREFIX.split('/')[0]!;
const RR_MARKER_HOST = RR_MARKER_PREFIX.split('/')[0]!;
/**
 * Converged: each named OSPF adjacency Full and BGP session Established (by name, so an extra session
 * cannot stand in for a missing one), 66.66.66.66/32 in every AS 123 kernel, ar2's own 22.22.22.22/32
 * on ar1 (the ar1 - ar2 session delivered its updates).
 */
export const FRR_CONVERGED: Record<string, FrrWant> = {
  ar1: { ospfNeighbours: [FRR_LOOPBACKS.ar2], bgpPeers: [FRR_LOOPBACKS.ar2],
    routes: [{ dst: FRR_LOOPBACKS.ar3, proto: 'ospf' }, { dst: EBGP_HOST, proto: 'bgp' }, { dst: RR_MARKER_HOST, proto: 'bgp' }] },
  ar2: { ospfNeighbours: [FRR_LOOPBACKS.ar1, FRR_LOOPBACKS.ar3], bgpPeers: [FRR_LOOPBACKS.ar1, FRR_LOOPBACKS.ar3],
    routes: [{ dst: FRR_LOOPBACKS.ar1, proto: 'ospf' }, { dst: EBGP_HOST, proto: 'bgp' }] },
  ar3: { ospfNeighbours: [FRR_LOOPBACKS.ar2], bgpPeers: [FRR_LOOPBACKS.ar2, '10.1.34.2'],
    routes: [{ dst: FRR_LOOPBACKS.ar1, proto: 'ospf' }, { dst: EBGP_HOST, proto: 'bgp' }] },
  ar4: { bgpPeers: ['10.1.34.1'], routes: [{ dst: FRR_LOOPBACKS.ar1, proto: 'bgp' }] },
};

/** The notes' AR1-AR4 lab in FRR 8.4: OSPF area 0 under iBGP over loopbacks (AR2 reflecting), eBGP AS 123 / AS 400. */
export const fundFrr: LabProfile = {
  name: 'fund-frr',
  description: 'FRR routers ar1-ar2-ar3 (AS 123, OSPF area 0, iBGP over loopbacks with ar2 as route reflector) and ar4 (AS 400) originating 66.66.66.66/32',
  provider: 'lab',
  cni: 'none',
  behaviours: ['F-OSPF-1', 'F-BGP-1', 'F-BGP-2'],
  nodes: [
    router('ar1', AR1, ['1.1.1.1/32']),
    router('ar2', AR2, ['2.2.2.2/32', RR_MARKER_PREFIX]),
    router('ar3', AR3, ['3.3.3.3/32']),
    router('ar4', AR4, [EBGP_PREFIX]),
  ],
  links: [
    { kind: 'p2p', a: { node: 'ar1', iface: 'eth1', address: '10.1.12.1/24' }, b: { node: 'ar2', iface: 'eth1', address: '10.1.12.2/24' } },
    { kind: 'p2p', a: { node: 'ar2', iface: 'eth2', address: '10.1.23.1/24' }, b: { node: 'ar3', iface: 'eth1', address: '10.1.23.2/24' } },
    { kind: 'p2p', a: { node: 'ar3', iface: 'eth2', address: '10.1.34.1/24' }, b: { node: 'ar4', iface: 'eth1', address: '10.1.34.2/24' } },
  ],
  pods: [],
  datapath: frrDatapath({ features: ['ospf', 'bgp-ibgp-ebgp', 'bgp-route-reflector'], want: FRR_CONVERGED }),
};
