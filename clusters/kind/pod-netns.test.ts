import { describe, expect, it } from 'vitest';
import { flushRouteCaches } from '../../helpers/probes/traffic-faults.ts';
import type { ClusterHandle, ExecResult, NodeHandle, PodHandle } from '../types.ts';
import { podNetnsExec, podNetnsScript } from './pod-netns.ts';

const ok = (stderr = ''): ExecResult => ({ stdout: '', stderr, exitCode: 0 });
// What `ip route flush cache` printed in a kind pod's container here (read-only /proc/sys), with exit 0.
const readOnly = 'Cannot open "/proc/sys/net/ipv4/route/flush": Read-only file system';

function cluster(podAnswer: ExecResult, withNetns: boolean): { handle: ClusterHandle; ran: string[] } {
  const ran: string[] = [];
  const node: NodeHandle = { name: 'n1', role: 'worker', addresses: [], exec: async (argv) => { ran.push(`node ${argv.join(' ')}`); return ok(); } };
  const pod: PodHandle = { name: 'p1', namespace: 'ns', node: 'n1', addresses: [], labels: {}, exec: async (argv) => { ran.push(`pod ${argv.join(' ')}`); return podAnswer; } };
  const handle = {
    nodes: [node], pods: [pod], node: () => node, pod: () => pod,
    ...(withNetns ? { podNetnsExec: async (p: PodHandle, argv: string[]) => { ran.push(`netns of ${p.name} ${argv.join(' ')}`); return ok(); } } : {}),
  } as unknown as ClusterHandle;
  return { handle, ran };
}

describe('flushing pods\' route caches (X-MTU-1\'s undo)', () => {
  it('a flush that printed "Cannot open" and exited 0 did not flush, and says so', async () => {
    await expect(flushRouteCaches(cluster(ok(readOnly), false).handle)).rejects.toThrow(`route cache of pod p1: "ip route flush cache" did not flush: ${readOnly}`);
  });

  it('where the cluster can enter a pod\'s netns from its node (kind), the pod\'s own exec is not used', async () => {
    const { handle, ran } = cluster(ok(readOnly), true);
    await flushRouteCaches(handle);
    expect(ran.sort()).toEqual(['netns of p1 ip route flush cache', 'node ip route flush cache']);
  });
});

describe('a pod\'s netns from its kind node', () => {
  it('finds the ready sandbox by exact name with crictl, its network namespace from the OCI spec, and nsenters it', async () => {
    const script = podNetnsScript({ namespace: 'cni-conformance', name: 'probe-abc12' });
    expect(script).toContain(`crictl pods --namespace 'cni-conformance' --name '^probe-abc12$' --state ready -q`);
    expect(script).toContain(`{{range .info.runtimeSpec.linux.namespaces}}{{if eq .type "network"}}{{.path}}{{end}}{{end}}`);
    expect(script).toContain('exec nsenter --net="$netns" "$@"');
    const calls: string[][] = [];
    await podNetnsExec({ exec: async (argv) => { calls.push(argv); return ok(); } }, { namespace: 'cni-conformance', name: 'probe-abc12' }, ['ip', 'route', 'flush', 'cache']);
    expect(calls).toEqual([['sh', '-c', script, 'pod-netns', 'ip', 'route', 'flush', 'cache']]);
  });
});
