import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConnectivityTest, totals } from '../../helpers/parsers/cilium-connectivity-test.ts';
import { defineBehaviour } from '../check.ts';
import { kubeOf } from '../kube-actions.ts';
import { cni, onKubernetes } from '../requirements.ts';
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
const TEST_NS = 'cilium-test-1';

export const cCt1 = defineBehaviour<ConnectivityObservation>({
  id: 'C-CT-1',
  title: 'cilium connectivity test passes',
  docs: DOCS.connectivity,
  requires: [cni('cilium'), onKubernetes],
  async probe(cluster) {
    const kube = kubeOf(cluster);
    // Upstream CI runs with hubble and flow validation off: their listeners flake.
    const r = await kube.run(['cilium', 'connectivity', 'test', '--junit-file', JUNIT, '--hubble=false', '--flow-validation=disabled', '--test-namespace', TEST_NS], { timeoutMs: 1_800_000 });
    const xml = await readFile(join(kube.workdir, JUNIT), 'utf8').catch(() => '');
    // No JUnit (the CLI failed before writing it): the text report names the failed tests instead.
    const { text, unparsed } = readTextReport(r.stdout + r.stderr);
    const counts = !xml && text ? { ...text, source: 'text' as const } : { ...readJunit(xml), source: 'junit' as const };
    return {
      raw: { 'cilium connectivity test': r.stdout + r.stderr, [JUNIT]: xml || '(not written)' },
      value: { exitCode: r.exitCode, ...counts, ...(text ? { text } : {}), unparsed },
      subtests: junitCases(xml),
    };
  },
  expect: expectConnectivity,
  negativeControls: [
    {
      name: 'default-deny ingress in the test namespace',
      async apply(cluster) {
        const kube = kubeOf(cluster);
        const manifest = `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata:
  name: conformance-deny-test-ingress
spec:
  endpointSelector:
    matchLabels:
      k8s:io.kubernetes.pod.namespace: ${TEST_NS}
  ingress:
  - {}
  ingressDeny:
  - fromEntities: [all]
`;
        await kube.apply(manifest);
        return { what: `CiliumClusterwideNetworkPolicy denying ingress in ${TEST_NS}`, undo: () => kube.delete(manifest) };
      },
      expectFailure: /connectivity tests failed/,
    },
  ],
});
