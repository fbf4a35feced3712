import { describe, expect, it } from 'vitest';
import type { ClusterHandle, PodHandle } from '../../clusters/types.ts';
import { podPairs } from '../../helpers/probes/workload.ts';
import { verdictOf } from '../verdict.ts';
import { xPod1, pairCell, sourcesAtOnce, type PairTraffic, type PingView } from './x-pod-1.ts';
import { failedProbe, locateFailures } from './x-pod-1-trace.ts';

const ok = (packet: number, sent: number): PingView => ({ packet, df: packet > 84, count: sent, sent, received: sent, errors: [] });
const pair = (sameNode: boolean, over: Partial<PairTraffic> = {}): PairTraffic => ({
  from: 'pod-a1', fromNode: 'node-a', to: sameNode ? 'pod-a2' : 'pod-b1', toAddress: sameNode ? '10.244.0.11' : '10.244.0.74',
  toNode: sameNode ? 'node-a' : 'node-b', sameNode, mtu: 1500,
  burst: ok(84, 50), fullSize: ok(1500, 5),
  tcp: { answeredBy: sameNode ? 'pod-a2' : 'pod-b1', unparsed: [] }, udp: { answeredBy: sameNode ? 'pod-a2' : 'pod-b1', unparsed: [] },
  unparsed: [], ...over,
});
const control = (name: RegExp) => xPod1.negativeControls.find((c) => name.test(c.name))!;
const problemsOf = (p: PairTraffic) => xPod1.expect([pair(true), p]);

describe('X-POD-1 expectation', () => {
  it('holds when every pair carries ICMP, full-size DF, TCP and UDP', () => {
    expect(xPod1.expect([pair(true), pair(false)])).toEqual([]);
  });

  it('fails TCP dropped while ICMP passes, naming pair, protocol and port', () => {
    const problems = problemsOf(pair(false, { tcp: { error: 'curl: (28) Failed to connect to 10.244.0.74 port 8080 after 1001 ms: Timeout was reached', unparsed: [] } }));
    expect(problems).toEqual(['pod-a1 -> pod-b1 (10.244.0.74) across nodes: TCP 8080: no answer (curl: (28) Failed to connect to 10.244.0.74 port 8080 after 1001 ms: Timeout was reached)']);
    expect(problems.join('\n')).toMatch(control(/^TCP/).expectFailure);
  });

  it('fails UDP dropped', () => {
    const problems = problemsOf(pair(false, { udp: { error: 'no reply within 1 s', unparsed: [] } }));
    expect(problems).toEqual(['pod-a1 -> pod-b1 (10.244.0.74) across nodes: UDP 8081: no answer (no reply within 1 s)']);
    expect(problems.join('\n')).toMatch(control(/^UDP/).expectFailure);
  });

  it('probes fewer sources at once on a machine that proved slower than the first deadlines', () => {
    expect([1, 1.5, 2.25, 3.375, 4].map((f) => sourcesAtOnce(f))).toEqual([8, 5, 3, 2, 2]);
  });

  it('a failure it could not observe is INCONCLUSIVE with its cause, and an observed one beside it still FAILs', () => {
    const cause = "pod-b1's own UDP server did not answer on its loopback either (no reply within 5 s of sending): the server, not the path";
    const only = problemsOf(pair(false, { udp: { error: 'no reply within 0.5 s of sending', unparsed: [] }, unobserved: { udp: cause } }));
    expect(only).toEqual([`could not observe: pod-a1 -> pod-b1 (10.244.0.74) across nodes: UDP 8081: no answer (no reply within 0.5 s of sending) (${cause})`]);
    expect(verdictOf(only)).toBe('inconclusive');
    // The UDP control's message is not matched by what could not be observed as a failure (run-profile.ts filters them out first).
    const both = problemsOf(pair(false, { udp: { error: 'no reply within 0.5 s of sending', unparsed: [] }, tcp: { error: 'curl: (28) x', unparsed: [] }, unobserved: { udp: cause } }));
    expect(verdictOf(both)).toBe('fail');
  });

  it('fails a burst cut short by its bound, though every packet it sent was answered', () => {
    expect(problemsOf(pair(false, { burst: { ...ok(84, 50), sent: 20, received: 20 } }))).toEqual([
      'pod-a1 -> pod-b1 (10.244.0.74) across nodes: ICMP burst of 20 84-byte packets: 20/20 received (0% loss); only 20 of 50 sent before the run\'s bound',
    ]);
  });

  it('fails any loss in the burst with the numbers (the old check needed 0 of 2)', () => {
    const problems = problemsOf(pair(false, { burst: { ...ok(84, 50), received: 29 } }));
    expect(problems).toEqual(['pod-a1 -> pod-b1 (10.244.0.74) across nodes: ICMP burst of 50 84-byte packets: 29/50 received (42% loss)']);
    expect(problems.join('\n')).toMatch(control(/loss/).expectFailure);
    expect(problemsOf(pair(false, { burst: { ...ok(84, 50), received: 49 } }))[0]).toMatch(/49\/50 received \(2% loss\)/);
  });

  it('fails a path MTU below the pod MTU while small pings pass, naming the size and the reported MTU', () => {
    const fullSize: PingView = { ...ok(1500, 5), received: 0, errors: ['From 172.30.0.11 icmp_seq=1 Frag needed and DF set (mtu = 1400)', 'ping: local error: message too long, mtu=1400'], reportedMtu: 1400 };
    const problems = problemsOf(pair(false, { fullSize }));
    expect(problems).toEqual([
      'pod-a1 -> pod-b1 (10.244.0.74) across nodes: full-size 1500-byte packet with DF (ping -M do -s 1472): 0/5 received; From 172.30.0.11 icmp_seq=1 Frag needed and DF set (mtu = 1400) (+1 more); path MTU reported 1400',
    ]);
    expect(problems.join('\n')).toMatch(control(/MTU/).expectFailure);
  });

  it('fails a pair cut completely, matching the pair-deny and drop-all controls', () => {
    const problems = problemsOf(pair(false, {
      burst: { ...ok(84, 50), received: 0 }, fullSize: { ...ok(1500, 5), received: 0 },
      tcp: { error: 'curl: (28) timeout', unparsed: [] }, udp: { error: 'no reply within 1 s', unparsed: [] },
    }));
    expect(problems[0]).toBe('pod-a1 -> pod-b1 (10.244.0.74) across nodes: ICMP burst of 50 84-byte packets: 0/50 received');
    expect(problems.join('\n')).toMatch(control(/cut the way/).expectFailure);
    expect(problems.join('\n')).toMatch(control(/never a cross-node target/).expectFailure);
  });

  it('fails a reply from the wrong pod (a stale route or DNAT to another pod)', () => {
    expect(problemsOf(pair(false, { tcp: { answeredBy: 'pod-b2', unparsed: [] } }))).toEqual(['pod-a1 -> pod-b1 (10.244.0.74) across nodes: TCP 8080: answered by pod-b2, expected pod-b1']);
  });

  it('fails when the MTU is unknown, ping could not run, or a client printed lines no parser knows', () => {
    const { fullSize: _, mtu: __, ...noMtu } = pair(false);
    expect(problemsOf(noMtu)).toEqual(['pod-a1 -> pod-b1 (10.244.0.74) across nodes: the MTU of pod-a1 could not be read, so no full-size packet was sent']);
    expect(problemsOf(pair(false, { burst: { ...ok(0, 0), count: 50, noSummary: true, errors: ['ping: connect: Network is unreachable'] } }))[0])
      .toBe('pod-a1 -> pod-b1 (10.244.0.74) across nodes: ICMP burst of 50 0-byte packets: ping printed no statistics: ping: connect: Network is unreachable');
    expect(problemsOf(pair(false, { unparsed: ['weird'] }))).toEqual(['pod-a1 -> pod-b1 (10.244.0.74) across nodes: client output the parsers do not understand: "weird"']);
  });

  it('refuses to pass when the cluster cannot show same-node or cross-node traffic', () => {
    expect(xPod1.expect([pair(true)])).toEqual(['all pods are on one node: cross-node traffic cannot be checked']);
    expect(xPod1.expect([pair(false)])).toEqual(['no two pods share a node: same-node traffic cannot be checked']);
  });

  it('renders matrix cells with what failed', () => {
    expect(pairCell(pair(false))).toBe('ok (50/50, DF 1500)');
    expect(pairCell(pair(false, { burst: { ...ok(84, 50), received: 25 }, udp: { error: 'x', unparsed: [] } }))).toBe('FAIL ICMP 25/50, UDP no answer');
  });
});

describe('X-POD-1 pairs', () => {
  const pod = (name: string, node: string) => ({ name, node, namespace: 'default', addresses: ['10.0.0.1'], labels: {}, exec: async () => ({ stdout: '', stderr: '', exitCode: 0 }) }) as PodHandle;
  const pods = [pod('pod-a1', 'node-a'), pod('pod-a2', 'node-a'), pod('pod-b1', 'node-b'), pod('pod-b2', 'node-b')];
  const cluster = { pods } as unknown as ClusterHandle;

  it('probes every ordered pair, so every pod is a cross-node target (the old pairing never targeted pod-a2 or pod-b2 across nodes)', () => {
    const pairs = podPairs(cluster).map((p) => `${p.from.name}->${p.to.name}`);
    expect(pairs).toHaveLength(12);
    for (const target of ['pod-a2', 'pod-b2']) expect(podPairs(cluster).some((p) => !p.sameNode && p.to.name === target)).toBe(true);
  });
});

describe('X-POD-1 where the packet died', () => {
  const text = 'lost between vxlan.calico on node-b and cali86a12876b92 on node-b: 2 seen on vxlan.calico on node-b, 0 on cali86a12876b92 on node-b (node-b FORWARD dropped 2: -d 10.244.0.74/32 -p tcp -j DROP)';
  const tcpDropped = { tcp: { error: 'curl: (28) Failed to connect to 10.244.0.74 port 8080 after 3001 ms: Timeout was reached', unparsed: [] } };

  it('adds the traced hop as a line of its own after the probe\'s, which the controls still match', () => {
    const problems = problemsOf(pair(false, { ...tcpDropped, located: { probe: 'tcp', text } }));
    expect(problems).toEqual([
      'pod-a1 -> pod-b1 (10.244.0.74) across nodes: TCP 8080: no answer (curl: (28) Failed to connect to 10.244.0.74 port 8080 after 3001 ms: Timeout was reached)',
      `pod-a1 -> pod-b1 TCP: ${text}`,
    ]);
    expect(problems.join('\n')).toMatch(control(/^TCP/).expectFailure);
    expect(verdictOf(problems)).toBe('fail');
  });

  it('traces the first probe that failed for sure: never one it could not observe, nothing for a pair that holds', () => {
    expect(failedProbe(pair(false, tcpDropped))).toBe('tcp');
    expect(failedProbe(pair(false, { ...tcpDropped, burst: { ...ok(84, 50), received: 0 } }))).toBe('burst');
    expect(failedProbe(pair(false, { ...tcpDropped, unobserved: { tcp: 'the server, not the path' } }))).toBeUndefined();
    expect(failedProbe(pair(false, { fullSize: { ...ok(1500, 5), received: 0 } }))).toBe('fullSize');
    expect(failedProbe(pair(false))).toBeUndefined();
  });

  it('traces nothing where the datapath declares no hops (kind, attach)', async () => {
    const kind = { capabilities: { provider: 'kind' }, profile: { name: 'kind/calico-vxlan' } } as unknown as ClusterHandle;
    const raw: Record<string, string> = {};
    expect(await locateFailures(kind, [pair(false, tcpDropped)], raw)).toEqual([]);
    expect(raw).toEqual({});
  });
});
