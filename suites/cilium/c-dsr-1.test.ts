import { describe, expect, it } from 'vitest';
import type { ClusterHandle, KubeActions, NodeHandle, PodHandle } from '../../clusters/types.ts';
import { fixture } from '../../helpers/parsers/fixture.ts';
import { checkBehaviour } from '../check.ts';
import { cDsr1 } from './c-dsr-1.ts';

/** cp, w1, w2 with the lone backend on w1; the outside client sees `seen` reported as its source by the backend. */
function dsrCluster(seen: (target: string) => string) {
  const argvs: string[][] = [];
  const node = (name: string, ip: string): NodeHandle => ({ name, role: name === 'cp' ? 'control-plane' : 'worker', addresses: [ip], exec: async () => ({ stdout: '', stderr: '', exitCode: 0 }) });
  // The agent answers with the docs' verbose status sample, its Mode line set to DSR (no real DSR sample is stored),
  // without the docs' shell prompt and [...] elisions, which an agent never prints.
  const pod = (name: string, on: string, labels: Record<string, string>): PodHandle => ({
    name, namespace: 'kube-system', node: on, addresses: [], labels,
    exec: async () => ({ stdout: fixture('cilium-status', 'docs-kpr-verbose-snat.txt').replace(/Mode:\s+SNAT/, 'Mode:                  DSR').replace(/^\s*(\$ .*|\[\.\.\.\])\n/gm, ''), stderr: '', exitCode: 0 }),
  });
  const kube = {
    context: 'kind-dsr', workdir: '/tmp',
    pods: async (_ns: string, selector: string) => (selector === 'k8s-app=cilium' ? [pod('cilium-a', 'cp', {})] : selector === 'app=lone-backend' ? [pod('lone-backend-x', 'w1', {})] : []),
    run: async (argv: string[]) => {
      argvs.push(argv);
      const target = /http:\/\/([\d.]+):/.exec(argv.at(-1)!)![1]!;
      const reply = `{"pod":"lone-backend-x","client":"${seen(target)}"}`;
      // The ip line is iproute2 6.1's `ip -4 -o addr show dev eth0`; replies are what the pod servers answer (workloads.test.ts).
      return { stdout: `3: eth0    inet 172.18.0.5/16 scope global eth0\\       valid_lft forever preferred_lft forever\n${`${reply}\n\n`.repeat(5)}`, stderr: '', exitCode: 0 };
    },
  } as unknown as KubeActions;
  const nodes = [node('cp', '172.18.0.2'), node('w1', '172.18.0.3'), node('w2', '172.18.0.4')];
  return { cluster: { name: 'cnc-unit-cil-dsr', nodes, kube } as unknown as ClusterHandle, argvs };
}

describe('C-DSR-1 probe sends from outside the cluster to a node without the backend (issue 11 item 16)', () => {
  it('runs the client on the kind network against a node other than the backend\'s, and holds when the client address is kept', async () => {
    const { cluster, argvs } = dsrCluster(() => '172.18.0.5');
    const r = await checkBehaviour(cDsr1, cluster);
    expect(argvs[0]!.slice(0, 5)).toEqual(['docker', 'run', '--rm', '--network', 'kind']);
    expect(argvs[0]).toContain('cni-conformance/run-id=unit');
    expect(argvs[0]!.at(-1)).toContain('http://172.18.0.2:30090/');
    expect(r.problems).toEqual([]);
  });
  it('fails when the backend saw the first node (SNAT)', async () => {
    const r = await checkBehaviour(cDsr1, dsrCluster((target) => target).cluster);
    expect(r.problems).toHaveLength(5);
    expect(r.problems[0]).toBe('backend lone-backend-x on w1 saw 172.18.0.2 for a request from 172.18.0.5 to NodePort 172.18.0.2:30090 on cp: the source was rewritten (SNAT), expected DSR to keep it');
  });
});
