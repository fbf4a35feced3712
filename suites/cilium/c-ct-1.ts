import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterHandle } from '../../clusters/types.ts';
import { parseConnectivityTest, totals } from '../../helpers/parsers/cilium-connectivity-test.ts';
import { defineBehaviour } from '../check.ts';
import { kubeOf } from '../kube-actions.ts';
import { cni, onKubernetes } from '../requirements.ts';
import { unobserved } from '../verdict.ts';
import { versions } from '../../versions.ts';
import type { Observation } from '../types.ts';
import { DOCS } from './agents.ts';

export interface ConnectivityObservation {
  exitCode: number;
  tests: number;
  failures: number;
  failed: string[];
  /** Where tests/failures come from: the JUnit file, or the CLI's text report when no JUnit was written. */
  source?: 'junit' | 'text';
  /** The text report's own totals, to cross-check the JUnit file (absent when the output has no report). */
  text?: { tests: number; failures: number; failed: string[] };
  /** Report lines the text parser did not understand. */
  unparsed?: string[];
}

/** One JUnit testcase: its name and whether it failed, was skipped or passed. */
export function junitCases(xml: string): Array<{ name: string; status: 'passed' | 'failed' | 'skipped'; message?: string }> {
  return [...xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)].map((c) => {
    const body = c[3] ?? '';
    const name = /name="([^"]*)"/.exec(c[1] ?? '')?.[1] ?? '?';
    const message = /<(?:failure|error)\b[^>]*message="([^"]*)"/.exec(body)?.[1];
    const status = /<(failure|error)\b/.test(body) ? 'failed' : /<skipped\b/.test(body) ? 'skipped' : 'passed';
    return { name, status, ...(message ? { message } : {}) };
  });
}

/** Counts JUnit testcases and the names of those with a <failure> or <error>. */
export function readJunit(xml: string): Pick<ConnectivityObservation, 'tests' | 'failures' | 'failed'> {
  const cases = junitCases(xml);
  const failed = cases.filter((c) => c.status === 'failed').map((c) => c.name);
  return { tests: cases.length, failures: failed.length, failed };
}

/** The counts of the CLI's text report (failed tests named once each, in report order). */
export function readTextReport(output: string): { text?: ConnectivityObservation['text']; unparsed: string[] } {
  const report = parseConnectivityTest(output);
  if (report.summaries.length === 0) return { unparsed: report.unparsed };
  const { failedTests, tests } = totals(report);
  return { text: { tests, failures: failedTests, failed: [...new Set(report.failures.map((f) => f.test))] }, unparsed: report.unparsed };
}

export function expectConnectivity(v: ConnectivityObservation): string[] {
  // Exit 127: the CLI was never found (host runner, or bash in the toolbox): nothing observed, not a failure.
  if (v.exitCode === 127) return [unobserved('"cilium connectivity test"', `cilium-cli is not on PATH (exit 127); install cilium-cli ${versions.cilium.cli}`)];
  const problems: string[] = [];
  if (v.tests === 0) problems.push('the JUnit file has no testcase; did "cilium connectivity test" run?');
  if (v.failures > 0) problems.push(`${v.failures}/${v.tests} connectivity tests failed${v.source === 'text' ? ' (from the text report: no JUnit file)' : ''}: ${v.failed.slice(0, 5).join(', ')}`);
  if (v.source === 'junit' && v.text && (v.text.failures !== v.failures || v.text.tests !== v.tests)) {
    problems.push(`the JUnit file says ${v.failures}/${v.tests} tests failed but the text report says ${v.text.failures}/${v.text.tests}; one of them is incomplete`);
  }
  for (const line of v.unparsed ?? []) problems.push(`cilium connectivity test report line not understood: "${line.trim()}"`);
  if (v.exitCode !== 0 && v.failures === 0) problems.push(`cilium connectivity test exited ${v.exitCode} with no failed testcase; see the raw output`);
  return problems;
}

/** Relative: the CLI writes it in the cluster's workdir (the plan folder, mounted into the toolbox). */
const JUNIT = 'cilium-connectivity-junit.xml';

/**
 * `--test-namespace` is a base name: cilium-cli appends "-<n>" for each of `--test-concurrency` namespaces
 * (vendor/github.com/cilium/cilium/cilium-cli/cli/connectivity.go@v0.19.7, newConnectivityTests:
 * `fmt.Sprintf("%s-%d", params.TestNamespace, i+1)`), so with concurrency 1 (the control) the tests run in "<base>-1".
 */
export const TEST_NS_BASE = 'cilium-test';
export const TEST_NS = `${TEST_NS_BASE}-1`;

/**
 * Namespaces the full run tests in at once: 5, as both upstream kind CIs run it on ubuntu-24.04 runners
 * (cilium/cilium-cli .github/workflows/kind.yaml@v0.19.7 `--test-concurrency=5`; cilium/cilium
 * .github/workflows/conformance-kind-proxy-embedded.yaml@00947d4, as stored, CONNECTIVITY_TEST_DEFAULTS
 * `--test-concurrency=5`). At 1 the same tests run one namespace after another. The negative control runs one test,
 * at 1, so that it runs in the namespace its policy selects (TEST_NS).
 */
export const TEST_CONCURRENCY = 5;

/**
 * The suite's own deadline: `--timeout` (same file, default defaults.ConnectivityTestSuiteTimeout = 0, none) cancels the
 * run's context; the JUnit file is still written, by a deferred Write that adds a failed "connectivity test setup"
 * testcase for an error that ends the run early (connectivity/suite.go@v0.19.7).
 * 25 min for one full run at concurrency 5, from upstream's budgets (no run durations could be read here: CI logs are
 * not in reach): cilium-cli's kind job has timeout-minutes 50 for two installs and two full runs at concurrency 5
 * (kind.yaml@v0.19.7, the second with IPsec), so one run fits in 25; cilium/cilium's has 60 for an image wait of up to
 * 30, one full run and an L7 subset (conformance-kind-proxy-embedded.yaml@00947d4), leaving at most 30 for the full run.
 * The CLI process gets a little longer, the vitest test longer still, so each deadline fires in order.
 */
export const SUITE_TIMEOUT_MIN = 25;
export const CLI_TIMEOUT_MS = (SUITE_TIMEOUT_MIN + 2) * 60_000;
export const TEST_TIMEOUT_MS = (SUITE_TIMEOUT_MIN + 5) * 60_000;

/**
 * The negative control's subset: `--test` takes regular expressions matched against "<test>/<scenario>"
 * (connectivity/check/check.go@v0.19.7 testEnabled, check/test.go scenarioName); no-policies' client-to-client scenario
 * (connectivity/builder/no_policies.go, tests/client.go Name() "client-to-client") pings between the client pods of the
 * test namespace (check/context.go PingCommand: `ping -c 1`).
 * Not pod-to-pod (curl to the echo pods): setup itself reaches the echo pods over TCP from a client pod before any test
 * runs (check/deployment.go@v0.19.7 validateDeployment -> check/wait.go WaitForNodePorts, `nc -w 3 -z <node ip> <nodePort>`
 * for every echo Service, whatever --test says), so a policy that breaks pod-to-pod ends the run at setup after 30 s
 * (ShortTimeout), and the JUnit holds only "connectivity test setup" (connectivity/suite.go, JUnitCollector.CollectFailure).
 */
export const CONTROL_TESTS = ['^no-policies/client-to-client$'];

/** argv of `cilium connectivity test`; flags as defined in cli/connectivity.go@v0.19.7. */
export function connectivityArgv(tests: string[] = []): string[] {
  return [
    'cilium', 'connectivity', 'test', '--junit-file', JUNIT,
    // Upstream CI runs with hubble and flow validation off: their listeners flake.
    '--hubble=false', '--flow-validation=disabled',
    '--test-namespace', TEST_NS_BASE, '--test-concurrency', String(tests.length > 0 ? 1 : TEST_CONCURRENCY),
    '--timeout', `${SUITE_TIMEOUT_MIN}m`,
    ...tests.flatMap((t) => ['--test', t]),
  ];
}

async function runConnectivity(cluster: ClusterHandle, tests: string[] = []): Promise<Observation<ConnectivityObservation>> {
  const kube = kubeOf(cluster);
  // A JUnit file left by an earlier run must not stand in for this one when the CLI fails before writing.
  await rm(join(kube.workdir, JUNIT), { force: true });
  const r = await kube.run(connectivityArgv(tests), { timeoutMs: CLI_TIMEOUT_MS });
  const xml = await readFile(join(kube.workdir, JUNIT), 'utf8').catch(() => '');
  // No JUnit (the CLI failed before writing it): the text report names the failed tests instead; with both, they are cross-checked.
  const { text, unparsed } = readTextReport(r.stdout + r.stderr);
  const counts = !xml && text ? { ...text, source: 'text' as const } : { ...readJunit(xml), source: 'junit' as const };
  return {
    raw: { [`cilium connectivity test${tests.length ? ` --test ${tests.join(',')}` : ''}`]: r.stdout + r.stderr, [JUNIT]: xml || '(not written)' },
    value: { exitCode: r.exitCode, ...counts, ...(text ? { text } : {}), unparsed },
    subtests: junitCases(xml),
  };
}

/**
 * Denies ICMP echo requests to the test namespace's pods from pods of that namespace: client-to-client's pings fail, and
 * nothing setup needs (TCP to the echo pods and their NodePorts, DNS to kube-system) is touched (CONTROL_TESTS).
 * Not `fromEntities: [all]` in the deny: that includes the host, so kubelet's readiness probes of the echo pods
 * (connectivity/check/deployment.go@v0.19.7 newLocalReadinessProbe, HTTP from the node) would fail and the CLI would wait
 * for deployments instead of running and failing tests. `icmps` in an ingressDeny rule: pkg/policy/api/ingress.go
 * IngressDenyRule.ICMPs (vendored in cilium-cli v0.19.7).
 */
export const DENY_POLICY = `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata:
  name: conformance-deny-test-ingress
spec:
  endpointSelector:
    matchLabels:
      k8s:io.kubernetes.pod.namespace: ${TEST_NS}
  ingress:
  - fromEntities: [all]
  ingressDeny:
  - fromEndpoints:
    - matchLabels:
        k8s:io.kubernetes.pod.namespace: ${TEST_NS}
    icmps:
    - fields:
      - type: 8
        family: IPv4
`;

export const cCt1 = defineBehaviour<ConnectivityObservation>({
  id: 'C-CT-1',
  title: 'cilium connectivity test passes',
  docs: DOCS.connectivity,
  requires: [cni('cilium'), onKubernetes],
  // cilium connectivity test deploys its own workloads (namespace cilium-test-1).
  needs: [],
  timeoutMs: TEST_TIMEOUT_MS,
  convergenceMs: 0,
  probe: (cluster) => runConnectivity(cluster),
  expect: expectConnectivity,
  negativeControls: [
    {
      name: `ping between pods denied in ${TEST_NS} (subset ${CONTROL_TESTS.join(', ')})`,
      owner: {
        owner: 'nobody (a policy the control adds)', reverts: 'never', breakage: 'adds',
        why: 'a CiliumClusterwideNetworkPolicy the control creates; cilium-cli deletes only the policies its own tests create',
      },
      probe: (cluster) => runConnectivity(cluster, CONTROL_TESTS),
      async apply(cluster) {
        const kube = kubeOf(cluster);
        await kube.apply(DENY_POLICY);
        return { what: `CiliumClusterwideNetworkPolicy denying ICMP echo between pods of ${TEST_NS}`, undo: () => kube.delete(DENY_POLICY) };
      },
      expectFailure: /connectivity tests failed: .*no-policies/,
    },
  ],
});
