import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TestModule } from 'vitest/node';
import type { TracedLoss } from '../helpers/hop-trace/types.ts';
import type { ConvergenceRecord, ProvisioningRecord } from '../suites/convergence.ts';
import type { RunMeta } from './run-meta.ts';
import SummaryReporter from './summary-reporter.ts';

const dirs: string[] = [];
afterEach(async () => { vi.unstubAllEnvs(); vi.restoreAllMocks(); for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true }); });

const convergence: ConvergenceRecord = {
  behaviour: 'K-GW-1', profile: 'lab/calico-lab', control: "proxy_arp off on the first pod's host veth", cluster: 'calico-lab',
  brokenAfterMs: 315, undoneAfterMs: 37, healedAfterMs: 734, deadlineMs: 60_000,
};
const located: TracedLoss[] = [{
  what: 'pod-a1 -> pod-b1 ICMP', at: { node: 'node-a', kind: 'host-veth', device: 'calidd33ceb84a6', pod: 'pod-a1' },
  text: 'lost between calidd33ceb84a6 on node-a and eth0 on node-a: 10 seen on calidd33ceb84a6 on node-a, 0 on eth0 on node-a',
}];
const provisioning: ProvisioningRecord[] = [{ profile: 'lab/calico-lab', cluster: 'calico-lab', phases: [{ phase: 'nodes up', ms: 2_875, steps: 2 }] }];

/** The parts of vitest's TestModule the reporter reads: tests with their result and meta, suites with their meta. */
function fakeModule(): TestModule {
  const suite = { type: 'suite', name: 'calico-lab [lab, calico]', parent: { type: 'module' }, meta: () => ({ provisioning }) };
  const test = (name: string, meta: object) => ({
    type: 'test', name, parent: suite, module: { relativeModuleId: 'suites/lab/calico-lab.lab.test.ts' }, result: () => ({ state: 'passed' }), meta: () => meta,
  });
  const tests = [test('K-GW-1 pod gateway', { located }), test("K-GW-1 negative control: proxy_arp off on the first pod's host veth", { convergence })];
  return { state: () => 'passed', children: { allTests: () => tests.values(), allSuites: () => [suite].values() } } as unknown as TestModule;
}

describe('SummaryReporter writes what the tests measured to run.json', () => {
  it("each control's timings and each traced loss (a test's meta), and each cluster's provisioning phases (its suite's meta)", async () => {
    const out = await mkdtemp(join(tmpdir(), 'cnc-summary-'));
    dirs.push(out);
    vi.stubEnv('CNI_CONFORMANCE_OUT', out);
    vi.spyOn(process, 'once').mockImplementation(() => process);
    const reporter = new SummaryReporter();
    reporter.onInit();
    reporter.onTestRunEnd([fakeModule()], []);
    const meta = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as RunMeta;
    expect(meta.convergence).toEqual([convergence]);
    expect(meta.provisioning).toEqual(provisioning);
    expect(meta.located).toEqual([{ test: 'suites/lab/calico-lab.lab.test.ts#calico-lab [lab, calico] K-GW-1 pod gateway', located }]);
  });
});
