import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterHandle, KubeActions } from '../../clusters/types.ts';
import { cCt1, expectConnectivity, readTextReport } from './c-ct-1.ts';

/** A cluster whose `cilium connectivity test` writes the given JUnit text into the workdir, as the CLI does. */
async function clusterWritingJunit(xml: string, exitCode: number): Promise<{ cluster: ClusterHandle; dir: string; argv: string[][] }> {
  const dir = await mkdtemp(join(tmpdir(), 'cct-'));
  const argv: string[][] = [];
  const kube = {
    context: 'kind-c1',
    workdir: dir,
    async run(args: string[]) {
      argv.push(args);
      const file = args[args.indexOf('--junit-file') + 1]!;
      await writeFile(join(dir, file), xml);
      return { stdout: 'connectivity test output', stderr: '', exitCode };
    },
  } as unknown as KubeActions;
  const cluster = { name: 'c1', kube } as unknown as ClusterHandle;
  return { cluster, dir, argv };
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

  it('fails when no JUnit file was written', async () => {
    const { cluster, dir } = await clusterWritingJunit('', 2);
    try {
      const observation = await cCt1.probe(cluster);
      expect(cCt1.expect(observation.value)).toContain('the JUnit file has no testcase; did "cilium connectivity test" run?');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
