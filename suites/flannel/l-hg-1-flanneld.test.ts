import { describe, expect, it } from 'vitest';
import type { ClusterHandle, ExecResult, NodeHandle } from '../../clusters/types.ts';
import { answerBatch } from '../../helpers/probes/read-batch.ts';
import { lHg1 } from './l-hg-1.ts';

/**
 * Two kind nodes whose main table flanneld's host-gw backend keeps: every 10 s routeCheck adds each route it owns that
 * is missing (same Dst, Gw and LinkIndex), and netlink.RouteAdd (NLM_F_EXCL) fails with EEXIST when another route holds
 * that destination (pkg/backend/route_network.go@v0.28.9 checkSubnetExistInRoutes, routeEqual). `tick` is one routeCheck.
 */
function hostGwCluster(): { cluster: ClusterHandle; tick: () => void } {
  const spec = [
    { name: 'fl-worker', ip: '172.18.0.3', subnet: '10.244.1' },
    { name: 'fl-worker2', ip: '172.18.0.4', subnet: '10.244.2' },
  ];
  const tables = spec.map((n) => new Map<string, string>(spec.filter((o) => o !== n).map((o) => [`${o.subnet}.0/24`, `${o.subnet}.0/24 via ${o.ip} dev eth0`])));
  const owned = spec.map((n, i) => [...tables[i]!.values()]);
  const ok = (stdout = ''): ExecResult => ({ stdout, stderr: '', exitCode: 0 });
  const nodes: NodeHandle[] = spec.map((n, i) => ({
    name: n.name, role: 'worker', addresses: [n.ip],
    async exec(argv: string[]): Promise<ExecResult> {
      // The probe reads a node in one batched exec (readBatch): each command it holds is answered below.
      const batch = await answerBatch(argv, (a) => nodes[i]!.exec(a));
      if (batch) return batch;
      const table = tables[i]!;
      const line = argv.join(' ');
      if (line === 'cat /run/flannel/subnet.env') return ok(`FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=${n.subnet}.1/24\nFLANNEL_MTU=1500\nFLANNEL_IPMASQ=true\n`);
      if (line === 'ip -d link show') return ok('1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0\n');
      if (line === 'ip -4 addr show') return ok(`1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default\n    inet ${n.ip}/16 brd 172.18.255.255 scope global eth0\n       valid_lft forever preferred_lft forever\n`);
      if (line === 'ip -4 route show table main') return ok(`default via 172.18.0.1 dev eth0\n${[...table.values()].join('\n')}\n172.18.0.0/16 dev eth0 proto kernel scope link src ${n.ip}\n`);
      const m = /^ip route (del|replace) (?:(blackhole) )?(\S+)(.*)$/.exec(line);
      if (m) {
        const [, op, blackhole, dst, rest] = m;
        if (op === 'del') table.delete(dst!);
        else table.set(dst!, blackhole ? `blackhole ${dst}` : `${dst}${rest}`);
        return ok();
      }
      return { stdout: '', stderr: `unexpected command: ${line}`, exitCode: 1 };
    },
  }));
  const tick = () => spec.forEach((_, i) => {
    for (const want of owned[i]!) {
      const dst = want.split(' ')[0]!;
      if (tables[i]!.get(dst) === want) continue;
      if (!tables[i]!.has(dst)) tables[i]!.set(dst, want); // else EEXIST: flanneld logs nothing (syscall.Errno is a net.Error) and goes on
    }
  });
  const cluster = {
    name: 'fl', nodes, pods: [], capabilities: { provider: 'kind' },
    node: (name: string) => nodes.find((x) => x.name === name)!,
  } as unknown as ClusterHandle;
  return { cluster, tick };
}

describe('L-HG-1 negative control on kind, with flanneld repairing routes', () => {
  it('stays broken through flanneld\'s routeCheck, and the undo restores the route', async () => {
    const { cluster, tick } = hostGwCluster();
    const check = async () => lHg1.expect((await lHg1.probe(cluster)).value);
    expect(await check()).toEqual([]);
    const control = lHg1.negativeControls[0]!;
    const breakage = await control.apply(cluster);
    tick();
    const problems = await check();
    expect(problems).not.toEqual([]);
    expect(problems.join('\n')).toMatch(control.expectFailure);
    await breakage.undo();
    tick();
    expect(await check()).toEqual([]);
  });
});
