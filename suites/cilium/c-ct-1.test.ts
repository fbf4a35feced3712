import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterHandle, KubeActions } from '../../clusters/types.ts';
import { cCt1 } from './c-ct-1.ts';

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
