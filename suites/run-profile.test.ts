import { afterAll, expect, it, vi } from 'vitest';
import type { ClusterHandle } from '../clusters/types.ts';
import type { Behaviour } from './types.ts';

// The suite wiring on an attached cluster, with a fake cluster and a fake behaviour: the check runs (after a
// pod refresh), the negative control is skipped and never applied.
const calls = vi.hoisted(() => ({ probe: 0, refresh: 0, apply: 0, attached: [] as Array<{ name: string; content: unknown }> }));
const saved = vi.hoisted(() => {
  const env = { attach: process.env.CNI_CONFORMANCE_ATTACH, allow: process.env.CNI_CONFORMANCE_ALLOW_DISRUPTIVE, only: process.env.BEHAVIOURS };
  process.env.CNI_CONFORMANCE_ATTACH = 'prod-ctx';
  delete process.env.CNI_CONFORMANCE_ALLOW_DISRUPTIVE;
  process.env.BEHAVIOURS = 'K-GW-1';
  process.env.CNI_CONFORMANCE_RUN_ID ??= 'unitrun1';
  return env;
});

// No report labels from this fake run: the matrix must never show a fake K-GW-1 cell for kind/calico-bgp-rr.
vi.mock('allure-js-commons', () => ({
  Status: { PASSED: 'passed', FAILED: 'failed', SKIPPED: 'skipped' },
  labels: async () => {}, link: async () => {}, parameter: async () => {}, description: async () => {},
  attachment: async (name: string, content: unknown) => { calls.attached.push({ name, content }); }, logStep: async () => {},
  step: async (_name: string, body: () => unknown) => body(),
}));

vi.mock('./catalogue.ts', () => ({
  behaviour: (): Behaviour<unknown> => ({
    id: 'K-GW-1', title: 'fake', docs: 'https://example.invalid/', requires: [],
    // A trace that named no hop, handed on as a check hands it (a real check traces only what failed; this one passes).
    probe: async () => { calls.probe++; return { raw: {}, value: 'ok', located: [{ what: 'pod-a -> pod-b TCP', text: 'not located: the trace could not run: fake' }] }; },
    expect: () => [],
    negativeControls: [{ name: 'proxy_arp off on a production node', apply: async () => { calls.apply++; throw new Error('must not run'); }, expectFailure: /x/ }],
  }),
}));

vi.mock('./providers.ts', () => ({
  createCluster: async (): Promise<ClusterHandle> => {
    const noop = async () => {};
    return {
      name: 'prod-ctx', nodes: [], pods: [],
      capabilities: { provider: 'attach', cni: 'calico', features: [], kernel: { ipip: false, vxlan: false }, versions: {} },
      refresh: async () => { calls.refresh++; },
      node: () => { throw new Error('no nodes'); }, pod: () => { throw new Error('no pods'); },
      destroy: noop, [Symbol.asyncDispose]: noop,
    } as unknown as ClusterHandle;
  },
}));

const { runProfile } = await import('./run-profile.ts');
runProfile('kind/calico-bgp-rr');

it('ran the check with a refresh, and never applied the control', () => {
  expect(calls).toMatchObject({ probe: 1, refresh: 1, apply: 0 });
});

it("handed the check's traced failures to the topology picture attached after it", () => {
  const pictures = calls.attached.filter((a) => a.name.endsWith('.svg'));
  expect(pictures).toHaveLength(1);
  expect(String(pictures[0]!.content)).toMatch(/<svg[\s\S]*pod&#45;a &#45;&gt; pod&#45;b TCP: not located: the trace could not run: fake/);
});

afterAll(() => {
  const restore = (name: string, value: string | undefined) => { if (value === undefined) delete process.env[name]; else process.env[name] = value; };
  restore('CNI_CONFORMANCE_ATTACH', saved.attach);
  restore('CNI_CONFORMANCE_ALLOW_DISRUPTIVE', saved.allow);
  restore('BEHAVIOURS', saved.only);
});
