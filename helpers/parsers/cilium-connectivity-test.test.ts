import { describe, expect, it } from 'vitest';
import { parseConnectivityTest, totals } from './cilium-connectivity-test.ts';
import { fixture } from './fixture.ts';

const load = (name: string) => parseConnectivityTest(fixture('cilium-connectivity-test', name));

describe('parseConnectivityTest', () => {
  it('reads the 2023 summary and the failed actions by test (test/scenario/action: peers)', () => {
    const r = load('cli-673-v0.15-report.txt');
    expect(r.summaries).toEqual([{ failedTests: 7, tests: 42, failedActions: 42, actions: 335, skippedTests: 13, skippedScenarios: 1 }]);
    expect(r.failures).toHaveLength(6);
    expect(r.failures[0]).toEqual({
      test: 'echo-ingress-l7',
      action: 'echo-ingress-l7/pod-to-pod-with-endpoints/curl-ipv4-3-public',
      peers: 'cilium-test/client2-646b88fb9b-fr2wz (10.0.4.242) -> curl-ipv4-3-public (10.0.4.124:8080)',
    });
    expect(new Set(r.failures.map((f) => f.test))).toEqual(new Set(['echo-ingress-l7', 'echo-ingress-l7-named-port']));
    expect(r.unparsed).toEqual([]);
  });

  it('reads ping actions of 2024 (port :0)', () => {
    const r = load('cilium-32100-v1.15-report.txt');
    expect(totals(r)).toEqual({ failedTests: 15, tests: 40 });
    expect(r.failures.map((f) => f.action)).toEqual(['0', '1', '3', '4', '5'].map((i) => `client-ingress/client-to-client/ping-ipv4-${i}`));
  });

  it('reads the 0.19 format: namespace in the header, 🟥 with the failure message, owners lines skipped', () => {
    const r = load('cilium-47346-v1.20-report.txt');
    expect(r.summaries).toEqual([{ namespace: 'cilium-test-1', failedTests: 1, tests: 13, failedActions: 6, actions: 259, skippedTests: 9, skippedScenarios: 0 }]);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({
      test: 'no-policies',
      action: 'no-policies/pod-to-hostport:curl-ipv4-0',
      peers: 'cilium-test-1/client-657b75749d-4mp5h (10.244.1.8) -> cilium-test-1/echo-other-node-785dd57858-qd6wm (172.20.0.3:4000)',
    });
    expect(r.failures[0]?.message).toMatch(/^command "curl .*" failed: .*command terminated with exit code 28$/);
    expect(r.unparsed).toEqual([]);
  });

  it('ends the report where the next namespace run starts', () => {
    const r = load('cilium-40800-report-then-next-run.txt');
    expect(totals(r)).toEqual({ failedTests: 1, tests: 22 });
    expect(r.failures.map((f) => [f.test, f.action])).toEqual([['client-egress-tls-sni-wildcard', 'client-egress-tls-sni-wildcard/pod-to-world:https-to-one.one.one.one.-ipv4-1']]);
    expect(r.failures[0]?.message).toMatch(/exit code 56$/);
    expect(r.unparsed).toEqual([]);
  });

  it('reports an indented line inside the report that it does not understand', () => {
    const text = fixture('cilium-connectivity-test', 'cilium-32100-v1.15-report.txt').replace('Test [client-ingress]:\n', 'Test [client-ingress]:\n  ⚠️ something new\n');
    expect(parseConnectivityTest(text).unparsed).toEqual(['  ⚠️ something new']);
  });

  it('finds no summary in output that never reached the report', () => {
    expect(parseConnectivityTest('Error: Unable to detect Cilium version\n')).toEqual({ summaries: [], failures: [], errors: [], unparsed: [] });
  });
});
