import { defineBehaviour } from '../check.ts';
import { cniIs, kubeOf, onKubernetes } from '../kube-actions.ts';
import { DOCS } from './agents.ts';

export interface ConnectivityObservation { exitCode: number; tests: number; failures: number; failed: string[] }

/** Counts JUnit testcases and the names of those with a <failure> or <error>. */
export function readJunit(xml: string): Pick<ConnectivityObservation, 'tests' | 'failures' | 'failed'> {
  const cases = [...xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)];
  const failed = cases.filter((c) => /<(failure|error)\b/.test(c[3] ?? '')).map((c) => /name="([^"]*)"/.exec(c[1] ?? '')?.[1] ?? '?');
  return { tests: cases.length, failures: failed.length, failed };
}

export function expectConnectivity(v: ConnectivityObservation): string[] {
  const problems: string[] = [];
  if (v.tests === 0) problems.push('the JUnit file has no testcase; did "cilium connectivity test" run?');
  if (v.failures > 0) problems.push(`${v.failures}/${v.tests} connectivity tests failed: ${v.failed.slice(0, 5).join(', ')}`);
  if (v.exitCode !== 0 && v.failures === 0) problems.push(`cilium connectivity test exited ${v.exitCode} with no failed testcase; see the raw output`);
  return problems;
}

const JUNIT = '/tmp/cilium-connectivity-junit.xml';
const TEST_NS = 'cilium-test-1';

export const cCt1 = defineBehaviour<ConnectivityObservation>({
  id: 'C-CT-1',
  title: 'cilium connectivity test passes',
  docs: DOCS.connectivity,
  requires: [cniIs('cilium'), onKubernetes],
  async probe(cluster) {
    const kube = kubeOf(cluster);
    // Upstream CI runs with hubble and flow validation off: their listeners flake.
    const r = await kube.run(['cilium', 'connectivity', 'test', '--context', kube.context, '--junit-file', JUNIT, '--hubble=false', '--flow-validation=disabled', '--test-namespace', TEST_NS], { timeoutMs: 1_800_000 });
    const xml = (await kube.run(['cat', JUNIT])).stdout;
    return { raw: { 'cilium connectivity test': r.stdout + r.stderr, junit: xml }, value: { exitCode: r.exitCode, ...readJunit(xml) } };
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
