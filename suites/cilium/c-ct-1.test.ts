import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterHandle, KubeActions } from '../../clusters/types.ts';
import { CLI_TIMEOUT_MS, CONTROL_TESTS, DENY_POLICY, SUITE_TIMEOUT_MIN, TEST_CONCURRENCY, TEST_NS, TEST_TIMEOUT_MS, cCt1, connectivityArgv, expectConnectivity, readTextReport } from './c-ct-1.ts';
import { parse } from 'yaml';

/** A cluster whose `cilium connectivity test` writes the given JUnit text into the workdir, as the CLI does. */
async function clusterWritingJunit(xml: string, exitCode: number): Promise<{ cluster: ClusterHandle; dir: string; argv: string[][]; timeouts: Array<number | undefined> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cct-'));
  const argv: string[][] = [];
  const timeouts: Array<number | undefined> = [];
  const kube = {
    context: 'kind-c1',
    workdir: dir,
    async run(args: string[], options?: { timeoutMs?: number }) {
      argv.push(args);
      timeouts.push(options?.timeoutMs);
      const file = args[args.indexOf('--junit-file') + 1]!;
      if (xml) await writeFile(join(dir, file), xml);
      return { stdout: 'connectivity test output', stderr: '', exitCode };
    },
  } as unknown as KubeActions;
  const cluster = { name: 'c1', kube } as unknown as ClusterHandle;
  return { cluster, dir, argv, timeouts };
}

const junit = (cases: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="connectivity test" tests="2">${cases}</testsuite></testsuites>`;

describe('C-CT-1 probe', () => {
  it('reads the JUnit file from the workdir and imports each testcase as a subtest', async () => {
    const { cluster, dir, argv } = await clusterWritingJunit(junit('<testcase name="no-policies" classname="connectivity test"></testcase><testcase name="all-egress-deny" classname="connectivity test"><failure message="curl exit 28" type="failure">timeout</failure></testcase>'), 1);
    try {
      const observation = await cCt1.probe(cluster);
      expect(argv[0]).toEqual(expect.arrayContaining(['cilium', 'connectivity', 'test', '--hubble=false', '--flow-validation=disabled']));
      expect(observation.subtests).toEqual([
        { name: 'no-policies', status: 'passed' },
        { name: 'all-egress-deny', status: 'failed', message: 'curl exit 28' },
      ]);
      expect(cCt1.expect(observation.value)).toEqual(['1/2 connectivity tests failed: all-egress-deny']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails when no JUnit file was written, even with one left by an earlier run', async () => {
    const { cluster, dir } = await clusterWritingJunit('', 2);
    await writeFile(join(dir, 'cilium-connectivity-junit.xml'), junit('<testcase name="no-policies" classname="connectivity test"></testcase>'));
    try {
      const observation = await cCt1.probe(cluster);
      expect(cCt1.expect(observation.value)).toContain('the JUnit file has no testcase; did "cilium connectivity test" run?');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('C-CT-1 flags, namespace and deadlines (cilium-cli v0.19.7 cli/connectivity.go)', () => {
  it('runs in the suffixed namespace the control policy selects, with the suite timeout and a CLI deadline past it', async () => {
    const { cluster, dir, argv, timeouts } = await clusterWritingJunit(junit('<testcase name="no-policies" classname="connectivity test"></testcase>'), 0);
    try {
      await cCt1.probe(cluster);
      const args = argv[0]!;
      const flag = (name: string) => args[args.indexOf(name) + 1];
      // The full run: as many namespaces at once as upstream's kind CIs use.
      expect(flag('--test-concurrency')).toBe(String(TEST_CONCURRENCY));
      expect(TEST_CONCURRENCY).toBe(5);
      // The control's one test at concurrency 1: the CLI names that namespace "<--test-namespace>-1", which its policy selects.
      const control = connectivityArgv(CONTROL_TESTS);
      const controlFlag = (name: string) => control[control.indexOf(name) + 1];
      expect(`${controlFlag('--test-namespace')}-${controlFlag('--test-concurrency')}`).toBe(TEST_NS);
      const policy = parse(DENY_POLICY) as { spec: { endpointSelector: { matchLabels: Record<string, string> }; ingressDeny: Array<{ fromEndpoints?: unknown; fromEntities?: unknown }> } };
      expect(policy.spec.endpointSelector.matchLabels['k8s:io.kubernetes.pod.namespace']).toBe(TEST_NS);
      // kubelet's readiness probes come from the host: the deny must not cover it.
      expect(policy.spec.ingressDeny.every((r) => r.fromEntities === undefined)).toBe(true);
      expect(flag('--timeout')).toBe(`${SUITE_TIMEOUT_MIN}m`);
      expect(timeouts[0]).toBe(CLI_TIMEOUT_MS);
      expect(SUITE_TIMEOUT_MIN * 60_000).toBeLessThan(CLI_TIMEOUT_MS);
      expect(CLI_TIMEOUT_MS).toBeLessThan(TEST_TIMEOUT_MS);
      expect(cCt1.timeoutMs).toBe(TEST_TIMEOUT_MS);
      expect(args).not.toContain('--test');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the negative control runs only its --test subset, and the recovery check probes that subset once', async () => {
    const { cluster, dir, argv } = await clusterWritingJunit(junit('<testcase name="no-policies" classname="connectivity test"><failure message="no-policies failed" type="failure"></failure></testcase>'), 1);
    try {
      const control = cCt1.negativeControls[0]!;
      const observation = await control.probe!(cluster);
      const args = argv[0]!;
      expect(args.flatMap((a, i) => (args[i - 1] === '--test' ? [a] : []))).toEqual(CONTROL_TESTS);
      expect(cCt1.expect(observation.value).join('\n')).toMatch(control.expectFailure);
      expect(cCt1.convergenceMs).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('C-CT-1 control policy against what cilium-cli v0.19.7 needs before its tests run', () => {
  type DenyRule = { fromEndpoints?: Array<{ matchLabels?: Record<string, string> }>; toPorts?: Array<{ ports?: Array<{ port?: string; protocol?: string }> }>; icmps?: unknown[] };
  const rules = (parse(DENY_POLICY) as { spec: { ingressDeny: DenyRule[] } }).spec.ingressDeny;
  /** Whether an ingressDeny rule drops traffic from a pod of `namespace` (a rule with no L4 part denies every protocol). */
  const denied = (namespace: string, protocol: 'TCP' | 'ICMP', port?: number) => rules.some((r) => {
    const fromNs = (r.fromEndpoints ?? []).some((e) => e.matchLabels?.['k8s:io.kubernetes.pod.namespace'] === namespace);
    if (!fromNs) return false;
    if (!r.toPorts && !r.icmps) return true;
    if (protocol === 'ICMP') return (r.icmps ?? []).length > 0;
    return (r.toPorts ?? []).some((tp) => (tp.ports ?? []).some((p) => (p.protocol ?? 'ANY') !== 'ICMP' && (p.port === undefined || Number(p.port) === port)));
  });

  it('leaves setup alone: validateDeployment\'s `nc -z <node ip> <nodePort>` from a client pod reaches the echo pods over TCP', () => {
    // check/deployment.go@v0.19.7 validateDeployment -> check/wait.go WaitForNodePorts, for every echo Service whatever --test
    // says; the echo pods listen on 8080 (check/deployment.go echo deployments). Denied, setup fails after 30 s and the JUnit
    // holds only "connectivity test setup", which the control's expectFailure does not match.
    expect(denied(TEST_NS, 'TCP', 8080)).toBe(false);
  });

  it('breaks what the subset runs: client-to-client pings between the client pods of the test namespace', () => {
    const subset = CONTROL_TESTS.map((t) => new RegExp(t));
    expect(subset.some((re) => re.test('no-policies/client-to-client'))).toBe(true);
    expect(subset.some((re) => re.test('no-policies/pod-to-pod'))).toBe(false);
    expect(denied(TEST_NS, 'ICMP')).toBe(true);
  });
});

describe('C-CT-1 text report', () => {
  // Real cilium connectivity test output, sources in helpers/parsers/fixtures/cilium-connectivity-test/SOURCES.md.
  const report = (name: string) => readFileSync(new URL(`../../helpers/parsers/fixtures/cilium-connectivity-test/${name}`, import.meta.url), 'utf8');

  it('names the failed tests from the text report when the CLI wrote no JUnit file', () => {
    const { text, unparsed } = readTextReport(report('cilium-47346-v1.20-report.txt'));
    expect(text).toEqual({ tests: 13, failures: 1, failed: ['no-policies'] });
    expect(expectConnectivity({ exitCode: 1, ...text!, source: 'text', text, unparsed })).toEqual([
      '1/13 connectivity tests failed (from the text report: no JUnit file): no-policies',
    ]);
  });

  it('flags a JUnit file that disagrees with the text report', () => {
    const { text } = readTextReport(report('cli-673-v0.15-report.txt'));
    // cilium-cli absent (kind/cilium-vxlan on podman, December 2026): not run is INCONCLUSIVE, not a failed test.
    const missing = expectConnectivity({ exitCode: 127, tests: 0, failures: 0, failed: [], source: 'junit' });
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(/^could not observe: "cilium connectivity test" \(cilium-cli is not on PATH \(exit 127\); install cilium-cli v/);
    expect(expectConnectivity({ exitCode: 1, tests: 42, failures: 2, failed: ['echo-ingress-l7', 'echo-ingress-l7-named-port'], source: 'junit', ...(text ? { text } : {}) })).toContain(
      'the JUnit file says 2/42 tests failed but the text report says 7/42; one of them is incomplete',
    );
  });
});

describe('C-CT-1 probe without a JUnit file', () => {
  it('reads the failed tests from the CLI output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cct-'));
    const output = readFileSync(new URL('../../helpers/parsers/fixtures/cilium-connectivity-test/cilium-32100-v1.15-report.txt', import.meta.url), 'utf8');
    const kube = { context: 'kind-c1', workdir: dir, run: async () => ({ stdout: output, stderr: '', exitCode: 1 }) } as unknown as KubeActions;
    try {
      const observation = await cCt1.probe({ name: 'c1', kube } as unknown as ClusterHandle);
      expect(observation.value).toMatchObject({ source: 'text', tests: 40, failures: 15, failed: ['client-ingress'] });
      expect(cCt1.expect(observation.value)).toEqual(['15/40 connectivity tests failed (from the text report: no JUnit file): client-ingress']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
