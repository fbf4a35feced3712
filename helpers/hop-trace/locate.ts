import { hopLabel } from './path.ts';
import type { HopPlace, HopTrace, LossLocation, ObservedHop, TracedLoss } from './types.ts';

const place = (h: HopPlace): HopPlace => ({
  node: h.node, kind: h.kind, ...(h.device ? { device: h.device } : {}), ...(h.pod ? { pod: h.pod } : {}), ...(h.chain ? { chain: h.chain } : {}),
});

const dropsText = (h: ObservedHop) => (h.outcome.kind === 'drops'
  ? h.outcome.drops.map((d) => `${h.node} ${d.chain} dropped ${d.packets}${d.rule === 'policy DROP' ? ' (policy DROP)' : `: ${d.rule}`}`).join('; ')
  : '');

/**
 * The first hop where the traced packets are not seen, and the hop to blame. Captures are walked in order, each compared
 * with the capture before it (the first must see at least one packet): the first that saw fewer ends
 * the walk. Between the last capture that saw them and that one, the first decision that would not carry them on is
 * blamed (a failed or wrong routing lookup, a wrong VXLAN fdb entry), else the first filter chain whose drop counters
 * grew; else a wrong decision earlier on the same leg that the packets got past (a route to the wrong gateway sends
 * them out of the right device, to another node); else the device the packets were not seen on, or, when its netns could not resolve the next hop's neighbour,
 * the device that should have answered (a host veth not answering its pod's ARP). Undefined: every hop saw them.
 */
export function locateLoss(hops: ObservedHop[], sent: number): LossLocation | undefined {
  // The source's eth0 must show at least one: a client may count packets its own kernel refused (ping's "local error:
  // message too long" once a smaller path MTU is learnt), which never reach eth0.
  let expected = 1;
  let last: ObservedHop | undefined;
  let between: ObservedHop[] = [];
  // Wrong decisions the packets got past on this leg: a route to the wrong gateway still sends them out of the right device.
  let earlier: ObservedHop[] = [];
  let leg = hops[0]?.leg;
  for (const hop of hops) {
    if (hop.leg !== leg) { leg = hop.leg; earlier = []; }
    if (hop.outcome.kind !== 'seen') { between.push(hop); continue; }
    const seen = hop.outcome.count;
    if (seen < expected) return blame(hop, last, between, last ? expected : Math.max(1, sent), earlier, hops);
    expected = seen;
    last = hop;
    earlier = [...earlier, ...between];
    between = [];
  }
  return undefined;
}

function blame(missing: ObservedHop, last: ObservedHop | undefined, between: ObservedHop[], expected: number, earlier: ObservedHop[] = [], all: ObservedHop[] = []): LossLocation {
  const seen = missing.outcome.kind === 'seen' ? missing.outcome : undefined;
  const count = seen?.count ?? 0;
  // The same device ends the request and starts the reply leg: the target received the requests and sent fewer replies.
  const turn = last !== undefined && hopLabel(last) === hopLabel(missing);
  const where = last && !turn ? `between ${hopLabel(last)} and ${hopLabel(missing)}` : `at ${hopLabel(missing)}`;
  const numbers = turn ? `${expected} requests arrived, ${count} replies left`
    : last ? `${expected} seen on ${hopLabel(last)}, ${count} on ${hopLabel(missing)}` : `${expected} sent, ${count} seen on ${hopLabel(missing)}`;
  const sample = last?.outcome.kind === 'seen' && last.outcome.sample ? encapsulation(last.outcome.sample) : '';
  const base = { ...(last ? { lastSeen: hopLabel(last), lastSeenAt: place(last) } : {}), firstMissing: hopLabel(missing), firstMissingAt: place(missing) };
  const decision = between.find((h) => h.outcome.kind === 'decision' && h.outcome.problem);
  if (decision?.outcome.kind === 'decision') {
    return { ...base, at: place(decision), text: `lost ${where}: ${numbers}; ${hopLabel(decision)}: ${decision.outcome.problem}` };
  }
  const filter = between.find((h) => h.outcome.kind === 'drops' && h.outcome.drops.length > 0);
  if (filter) return { ...base, at: place(filter), text: `lost ${where}: ${numbers}${sample} (${dropsText(filter)})` };
  const misrouted = earlier.find((h) => h.outcome.kind === 'decision' && h.outcome.problem);
  if (misrouted?.outcome.kind === 'decision') {
    return { ...base, at: place(misrouted), text: `lost ${where}: ${numbers}${sample}; sent elsewhere by ${hopLabel(misrouted)}: ${misrouted.outcome.problem}` };
  }
  if (seen?.neighbourProblem && missing.peer) {
    const unanswered = `lost ${where}: ${numbers}; ${seen.neighbourProblem}: ${hopLabel(missing.peer)} does not answer for it`;
    const cause = proxyArpCause(missing.peer, missing.leg, all);
    if (cause?.outcome.kind === 'decision') {
      return { ...base, at: place(cause), text: `${unanswered}, as its node forwards nothing from it (proxy ARP answers only then); ${hopLabel(cause)}: ${cause.outcome.problem}` };
    }
    return { ...base, at: place(missing.peer), text: unanswered };
  }
  const mtu = seen?.mtu !== undefined ? `; ${hopLabel(missing)} has MTU ${seen.mtu}` : '';
  return { ...base, at: place(missing), text: `lost ${where}: ${numbers}${sample}${mtu}` };
}

/**
 * Why a host veth does not answer its pod's ARP for the gateway: the node answers by proxy only for what it would forward
 * from that veth (net/ipv4/arp.c arp_process: ip_route_input_noref must succeed, IN_DEV_FORWARD, an RTN_UNICAST route
 * out of another device), so a routing lookup from that veth that fails outright (forwarding off, a prohibit rule) is the
 * cause. The leg's route hop on the veth's node, asked with that veth as iif, when it failed.
 */
function proxyArpCause(peer: HopPlace, leg: ObservedHop['leg'], all: ObservedHop[]): ObservedHop | undefined {
  if (peer.kind !== 'host-veth') return undefined;
  return all.find((h) => h.leg === leg && h.node === peer.node && h.route?.iif === peer.device
    && h.outcome.kind === 'decision' && h.outcome.problem?.includes(' fails: '));
}

/**
 * How the last hop carried the packets when it tunnelled them, from tcpdump's outer line: "carried as VXLAN VNI 4096 to
 * 172.30.0.12:4789" (vxlan_print, print-vxlan.c@tcpdump-4.99.3: ", flags [%s] (0x%02x), vni %u" after "VXLAN"), "carried in IPIP to 172.30.0.12".
 */
export function encapsulation(sample: string): string {
  const vxlan = /> (\d+\.\d+\.\d+\.\d+)\.(\d+): VXLAN, flags \[[^\]]*\] \(0x[0-9a-f]+\), vni (\d+)/.exec(sample);
  if (vxlan) return `, carried as VXLAN VNI ${vxlan[3]} to ${vxlan[1]}:${vxlan[2]}`;
  const ipip = /^IP (\d+\.\d+\.\d+\.\d+) > (\d+\.\d+\.\d+\.\d+): IP \d/.exec(sample);
  return ipip ? `, carried in IPIP to ${ipip[2]}` : '';
}

/** Whether two places are the same hop: node and kind, and device, pod and chain where both name one. */
export function samePlace(a: HopPlace, b: HopPlace): boolean {
  const agree = (x?: string, y?: string) => x === undefined || y === undefined || x === y;
  return a.node === b.node && a.kind === b.kind && agree(a.device, b.device) && agree(a.pod, b.pod) && agree(a.chain, b.chain);
}

/** A trace as a check hands it on: `what` ("pod-a1 -> pod-b1 TCP"), the hop named and its stretch, or "not located: " and why. */
export function tracedLoss(what: string, trace: HopTrace): TracedLoss {
  const l = trace.location;
  if (!l) return { what, text: `not located: ${trace.notLocated ?? 'no trace'}` };
  return { what, at: l.at, ...(l.lastSeenAt ? { lastSeenAt: l.lastSeenAt } : {}), firstMissingAt: l.firstMissingAt, text: l.text };
}
