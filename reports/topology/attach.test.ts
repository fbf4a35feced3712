import { describe, expect, it, vi } from 'vitest';
import { getProfile } from '../../clusters/profiles/index.ts';
import type { TracedLoss } from '../../helpers/hop-trace/types.ts';
import { attachTopology, TOPOLOGY_ATTACHMENT, TRACED_TOPOLOGY_ATTACHMENT } from './attach.ts';

// What the hooks attach, instead of Allure's runtime.
const attached = vi.hoisted(() => [] as Array<{ test: string; name: string; content: string }>);
vi.mock('allure-js-commons', () => ({
  attachment: async (name: string, content: string) => { attached.push({ test: expect.getState().currentTestName?.split(' > ').pop() ?? '', name, content }); },
}));

const loss: TracedLoss = {
  what: 'pod-a1 -> pod-b1 TCP', at: { node: 'node-b', kind: 'filter', chain: 'FORWARD' },
  lastSeenAt: { node: 'node-b', kind: 'tunnel', device: 'vxlan.calico' }, firstMissingAt: { node: 'node-b', kind: 'host-veth', device: 'cali86a12876b92', pod: 'pod-b1' },
  text: 'lost between vxlan.calico on node-b and cali86a12876b92 on node-b: 2 seen on vxlan.calico on node-b, 0 on cali86a12876b92 on node-b (node-b FORWARD dropped 2: -j DROP)',
};

describe('a profile suite (lab/calico-vxlan, no live cluster)', () => {
  attachTopology(getProfile('lab/calico-vxlan'), () => undefined);
  it('X-POD-1 passes', () => {});
  // As suites/run-profile.ts hands a check's traced failures on: the test's meta.
  it('X-POD-1 fails, traced', (ctx) => { ctx.task.meta.located = [loss]; });
  it('X-POD-1 negative control: drop TCP', () => {});
});

// Runs after the suite above (tests run in the order they are declared).
it('attached one picture to each behaviour test, after it ran: plain when nothing was traced, marked when it was; controls none', () => {
  expect(attached.map((a) => [a.test, a.name])).toEqual([['X-POD-1 passes', TOPOLOGY_ATTACHMENT], ['X-POD-1 fails, traced', TRACED_TOPOLOGY_ATTACHMENT]]);
  const [plain, marked] = attached.map((a) => a.content);
  expect(plain).toContain('no live cluster in this run: drawn from the plan only');
  expect(plain).not.toContain('class="node loss"');
  expect(marked).toMatch(/<g id="loss&#45;1&#45;box" class="node loss">\s*<title>node&#45;b<\/title>/);
});
