import { FRR_CONVERGED } from '../../clusters/profiles/lab/fundamentals/fund-frr.ts';
import { EBGP_PREFIX, FRR_LOOPBACKS, RR_MARKER_PREFIX } from '../../clusters/profiles/lab/fundamentals/plan.ts';
import { waitFrrConverged } from '../../clusters/lab/datapaths/fundamentals/frr.ts';
import { probeBgpNeighbourEor, probeBgpPrefix, probeBgpSummary } from '../../helpers/probes/frr.ts';
import { probeRoutes, rawOf, type Probed } from '../../helpers/probes/net.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { defineBehaviour } from '../check.ts';
import { feature } from '../requirements.ts';
import { pollFor, pollUntil, vtyshConf } from './lab-ops.ts';

export interface RrView {
  withRr: { ar1: boolean };
  /** reset: ar1 was seen losing ar2's own prefix once the client flags were removed (the sessions did reset). */
  withoutRr: { reset: boolean; ar1: boolean; ar1Marker: boolean; ar2: boolean };
  restored: { ar1: boolean };
}

const TARGET = EBGP_PREFIX.split('/')[0]!;
const MARKER = RR_MARKER_PREFIX.split('/')[0]!;
const CLIENTS = [FRR_LOOPBACKS.ar1, FRR_LOOPBACKS.ar3];

async function bgpRoutes(cluster: ClusterHandle, router: string, raw: Array<[string, Probed<unknown>]>, label: string): Promise<string[]> {
  const r = await probeRoutes(cluster.node(router));
  raw.push([`${router} ${label}`, r]);
  return r.value.filter((x) => x.proto === 'bgp').map((x) => x.dst);
}

/**
 * ar2's client list on or off. Changing a neighbour's route-reflector-client flag resets that session
 * (PEER_FLAG_REFLECTOR_CLIENT -> peer_change_reset in peer_af_flag_action_list, bgpd/bgpd.c @ frr-8.4.4),
 * so both clients re-learn ar2's table from scratch. The reset leaves ar2's peers Idle for 2 s (measured:
 * the start timer, peer->v_start, was doubled); "clear bgp <peer>" right after sets it back to
 * BGP_INIT_START_TIMER, 1 s (peer_clear, bgpd/bgpd.c; bgpd/bgpd.h @ frr-8.4.4), the least FRR waits
 * before reconnecting: the sessions are back after ~1.1 s instead of ~2.1 s. The clear resets the same
 * sessions the flag change did, nothing else.
 */
async function setClients(cluster: ClusterHandle, on: boolean): Promise<void> {
  // One vtysh run: the flags in configure mode, "end" back to enable mode, then the clears.
  const lines = ['configure terminal', 'router bgp 123', 'address-family ipv4 unicast', ...CLIENTS.map((c) => `${on ? '' : 'no '}neighbor ${c} route-reflector-client`),
    'end', ...CLIENTS.map((c) => `clear bgp ${c}`)];
  const r = await cluster.node('ar2').exec(['vtysh', ...lines.flatMap((l) => ['-c', l])]);
  if (r.exitCode !== 0 || /% /.test(r.stdout)) throw new Error(`failed to configure FRR on ar2: ${lines.join(' / ')}: ${r.stdout}${r.stderr}`);
}

/**
 * ar1 has all ar2 will send it on the new session: Established, ar2's End-of-RIB received (sent once no
 * update is left to send, bgp_generate_updgrp_packets in bgpd/bgp_packet.c @ frr-8.4.4) and ar2's own
 * prefix in ar1's kernel.
 */
async function ar1HasAr2Table(cluster: ClusterHandle): Promise<boolean> {
  const [peer, routes] = await Promise.all([probeBgpNeighbourEor(cluster.node('ar1'), FRR_LOOPBACKS.ar2), bgpRoutes(cluster, 'ar1', [], '')]);
  return peer.value.state === 'Established' && peer.value.eorReceived && routes.includes(MARKER);
}

/** Waits (5 s at most) for ar1 to lose ar2's own prefix: the ar1 - ar2 session went down after a flag change. */
async function sessionReset(cluster: ClusterHandle): Promise<boolean> {
  return pollUntil(5_000, async () => !(await bgpRoutes(cluster, 'ar1', [], '')).includes(MARKER));
}

/**
 * F-BGP-2: with ar2 reflecting, ar1 learns 66.66.66.66/32 (from ar3 through ar2); with ar2 a plain iBGP
 * peer, iBGP split horizon keeps it from ar1 although ar2 still has it. The probe turns the reflector
 * off and on again itself, then waits for the converged lab.
 */
export const fBgp2 = defineBehaviour<RrView>({
  id: 'F-BGP-2',
  title: 'iBGP split horizon without a route reflector, reachability with one',
  docs: 'https://docs.frrouting.org/en/stable-8.4/bgp.html#route-reflector',
  requires: [feature('bgp-route-reflector')],
  async probe(cluster) {
    const raw: Array<[string, Probed<unknown>]> = [];
    const [entry, ar1WithRr] = await Promise.all([probeBgpPrefix(cluster.node('ar1'), EBGP_PREFIX), bgpRoutes(cluster, 'ar1', raw, 'with RR')]);
    raw.push(['ar1 with RR', entry]);
    const withRr = { ar1: ar1WithRr.includes(TARGET) };
    await setClients(cluster, false);
    let withoutRr = { reset: false, ar1: true, ar1Marker: false, ar2: false };
    try {
      // The reset is asynchronous: until ar1 has lost ar2's own prefix, ar1's table is the old one.
      const reset = await sessionReset(cluster);
      // Settled when ar2 has the route again (its sessions to both clients reset too) and ar1 has ar2's
      // whole table (End-of-RIB received, ar2's own prefix in the kernel). A wrongly reflected
      // 66.66.66.66/32 would have been sent before that End-of-RIB; zebra puts routes bgpd has into the
      // kernel within milliseconds (lab: both of ar2's prefixes appeared on ar1 in the same 150 ms poll),
      // so ar1 is watched 250 ms more, stopping at the first sight of it (then the check has failed).
      await pollUntil(12_000, async () => {
        const [ar1, ar2] = await Promise.all([ar1HasAr2Table(cluster), bgpRoutes(cluster, 'ar2', [], '')]);
        return ar2.includes(TARGET) && ar1;
      });
      await pollUntil(250, async () => (await bgpRoutes(cluster, 'ar1', [], '')).includes(TARGET));
      const [ar1, ar2, summary] = await Promise.all([bgpRoutes(cluster, 'ar1', raw, 'without RR'), bgpRoutes(cluster, 'ar2', raw, 'without RR'), probeBgpSummary(cluster.node('ar2'))]);
      raw.push(['ar2 without RR', summary]);
      withoutRr = { reset, ar1: ar1.includes(TARGET), ar1Marker: ar1.includes(MARKER), ar2: ar2.includes(TARGET) };
    } finally {
      await setClients(cluster, true);
    }
    await sessionReset(cluster);
    const back = await pollUntil(20_000, async () => (await bgpRoutes(cluster, 'ar1', [], 'restored')).includes(TARGET));
    await waitFrrConverged((n) => cluster.node(n), FRR_CONVERGED, 45_000);
    return { raw: rawOf(raw), value: { withRr, withoutRr, restored: { ar1: back } } };
  },
  expect(v) {
    const problems: string[] = [];
    if (!v.withRr.ar1) problems.push(`with ar2 reflecting, ar1 has no kernel route to ${EBGP_PREFIX}: reflection to the client failed`);
    if (!v.withoutRr.reset) problems.push(`removing ar2's route-reflector-client flags did not reset the ar1 - ar2 session within 5 s (ar1 kept ${RR_MARKER_PREFIX}): what follows was read on the old session`);
    if (!v.withoutRr.ar2) problems.push(`without the reflector ar2 itself lost ${EBGP_PREFIX}: split horizon cannot be told from a lost route`);
    if (!v.withoutRr.ar1Marker) problems.push(`without the reflector ar1 never got ar2's own ${RR_MARKER_PREFIX}: the ar1-ar2 session did not come back`);
    if (v.withoutRr.ar1) problems.push(`without the reflector ar1 still has ${EBGP_PREFIX} (learnt over iBGP by ar2 from ar3): split horizon not observed`);
    if (!v.restored.ar1) problems.push(`after making ar1 and ar3 reflector clients again, ar1 did not relearn ${EBGP_PREFIX} within 20 s`);
    return problems;
  },
  negativeControls: [
    {
      name: 'direct iBGP session ar1 - ar3 (full mesh)',
      expectFailure: /ar1 still has 66\.66\.66\.66\/32 .*split horizon not observed/,
      async apply(cluster) {
        const [ar1, ar3] = [cluster.node('ar1'), cluster.node('ar3')];
        const session = (peer: string, extra: string[]) => ['router bgp 123', `neighbor ${peer} remote-as 123`, `neighbor ${peer} update-source lo`,
          `neighbor ${peer} timers connect 1`, 'address-family ipv4 unicast', `neighbor ${peer} activate`, ...extra];
        await Promise.all([vtyshConf(ar1, session(FRR_LOOPBACKS.ar3, [])), vtyshConf(ar3, session(FRR_LOOPBACKS.ar1, [`neighbor ${FRR_LOOPBACKS.ar1} next-hop-self`]))]);
        await pollFor('ar1 - ar3 iBGP session Established', 20_000, async () =>
          (await probeBgpSummary(ar1)).value.some((p) => p.peer === FRR_LOOPBACKS.ar3 && p.state === 'Established'));
        return {
          what: 'iBGP session ar1 - ar3 added',
          async undo() {
            await Promise.all([vtyshConf(ar1, ['router bgp 123', `no neighbor ${FRR_LOOPBACKS.ar3}`]), vtyshConf(ar3, ['router bgp 123', `no neighbor ${FRR_LOOPBACKS.ar1}`])]);
            await waitFrrConverged((n) => cluster.node(n), FRR_CONVERGED, 45_000);
          },
        };
      },
    },
  ],
});
