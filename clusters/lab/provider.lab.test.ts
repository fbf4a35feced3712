import { describe, expect, it } from 'vitest';
import { calicoLab } from '../profiles/lab/calico-lab.ts';
import { docker } from '../docker.ts';
import { LABEL, newRunId, removeRunSync } from '../run.ts';
import { collectDiagnostics } from '../../helpers/probes/diagnostics.ts';
import { NEIGHBOUR_QUEUE_BYTES } from './neighbour-queues.ts';
import { labProvider } from './provider.ts';
import type { LabProfile } from './types.ts';

const containersOf = async (runId: string) =>
  (await docker(['ps', '-a', '--filter', `label=${LABEL.run}=${runId}`, '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean);

describe('lab provider', () => {
  it('removes everything it started when setup fails, and says which node and command failed', async () => {
    const runId = newRunId();
    const broken: LabProfile = {
      ...calicoLab,
      name: 'broken-setup',
      nodes: [calicoLab.nodes[0]!, { name: 'node-b', role: 'worker', setup: ['ip route add 10.99.0.0/24 via 192.0.2.1 dev nosuchdev'] }],
    };
    await expect(labProvider.create(broken, { runId })).rejects.toThrow(/failed to run on node node-b \(exit \d+\):\nip route add 10\.99\.0\.0\/24 via 192\.0\.2\.1 dev nosuchdev/);
    expect(await containersOf(runId)).toEqual([]);
  });

  it('refuses an invalid profile before creating anything', async () => {
    const runId = newRunId();
    const invalid: LabProfile = { ...calicoLab, name: 'invalid', pods: [{ name: 'p', node: 'node-x', address: '10.0.0.1' }] };
    await expect(labProvider.create(invalid, { runId })).rejects.toThrow('profile "invalid": pod "p": node "node-x" is not declared');
    expect(await containersOf(runId)).toEqual([]);
  });

  it('builds the same profile twice at once without collisions, and each destroy removes only its own', async () => {
    const [a, b] = [newRunId(), newRunId()];
    const [first, second] = await Promise.all([labProvider.create(calicoLab, { runId: a }), labProvider.create(calicoLab, { runId: b })]);
    try {
      expect(await containersOf(a)).toHaveLength(2);
      expect(await containersOf(b)).toHaveLength(2);
      const [pingA, pingB] = await Promise.all([
        first.pod('pod-a1').exec(['ping', '-c1', '-W2', '10.244.0.74']),
        second.pod('pod-a1').exec(['ping', '-c1', '-W2', '10.244.0.74']),
      ]);
      expect([pingA.exitCode, pingB.exitCode]).toEqual([0, 0]);
      // What a failing behaviour attaches: each node's real routing state.
      const diagnostics = await collectDiagnostics(first);
      expect(diagnostics['node-a: ip route show table all']).toContain('10.244.0.64/26 via 172.30.0.12 dev eth0');
      expect(diagnostics['node-b: iptables-save']).toBeDefined();
      expect(diagnostics['node-b: iptables-save']).not.toMatch(/\(exit \d+\)/);
      await first.destroy();
      expect(await containersOf(a)).toEqual([]);
      expect(await containersOf(b)).toHaveLength(2);
    } finally {
      await first.destroy();
      await second.destroy();
    }
    expect(await containersOf(b)).toEqual([]);
  });

  it('bounds the neighbour queue of every device on its nodes and pods, and of a device a change made once settled', async () => {
    const cluster = await labProvider.create(calicoLab, { runId: newRunId() });
    try {
      const queues = async (on: { exec(argv: string[]): Promise<{ stdout: string }> }) =>
        (await on.exec(['sh', '-c', 'grep -H . /proc/sys/net/ipv4/neigh/*/unres_qlen_bytes'])).stdout.trim().split('\n');
      const node = cluster.node('node-a');
      for (const lines of [await queues(node), await queues(cluster.pod('pod-a1'))]) {
        expect(lines.length).toBeGreaterThan(1);
        for (const line of lines) expect(line).toMatch(new RegExp(`:${NEIGHBOUR_QUEUE_BYTES}$`));
      }
      expect(await queues(node)).toEqual(expect.arrayContaining([expect.stringMatching(/neigh\/eth0\//), expect.stringMatching(/neigh\/cali[0-9a-f]+\//)]));
      // A device a control makes starts with the machine's default until the cluster settles.
      await node.exec(['ip', 'link', 'add', 'cnc-new', 'type', 'veth', 'peer', 'name', 'cnc-peer']);
      expect(await queues(node)).toContainEqual(expect.not.stringMatching(new RegExp(`:${NEIGHBOUR_QUEUE_BYTES}$`)));
      await cluster.settle!();
      expect(await queues(node)).toContain(`/proc/sys/net/ipv4/neigh/cnc-new/unres_qlen_bytes:${NEIGHBOUR_QUEUE_BYTES}`);
    } finally {
      await cluster.destroy();
    }
  });

  it('removes one cluster of a run without touching the run\'s other clusters (a worker exits while others still test)', async () => {
    const runId = newRunId();
    const [one, other] = await Promise.all([
      labProvider.create(calicoLab, { runId }),
      labProvider.create({ ...calicoLab, name: 'calico-lab-2' }, { runId }),
    ]);
    try {
      expect(removeRunSync(runId, 'calico-lab')).toBe(2);
      expect((await containersOf(runId)).sort()).toEqual([`cc-${runId}-calico-lab-2-node-a`, `cc-${runId}-calico-lab-2-node-b`]);
      expect((await other.pod('pod-a1').exec(['ping', '-c1', '-W2', '10.244.0.74'])).exitCode).toBe(0);
    } finally {
      await one.destroy();
      await other.destroy();
    }
    expect(await containersOf(runId)).toEqual([]);
  });
});
