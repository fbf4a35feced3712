import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeHandle } from '../../clusters/types.ts';
import { pollUntilDone } from '../../helpers/probes/poll.ts';
import { PROBE_SERVICE, cKpr2, chainRestoreInput, flushKubeServices, kubeProxyOffNode, svcChainsOf } from './c-kpr-2.ts';

/** kube-proxy's nat rules for kube-dns, as its iptables mode writes them (chain names from the k3s fixture). */
const KUBE_PROXY_RULES = [
  ['-N', 'KUBE-SERVICES'], ['-N', 'KUBE-SVC-TCOU7JCQXEZGVUNU'], ['-N', 'KUBE-SVC-ERIFXISQEP7F7OF4'], ['-N', 'KUBE-NODEPORTS'],
  ['-A', 'PREROUTING', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
  ['-A', 'KUBE-SERVICES', '-d', '10.96.0.10/32', '-p', 'udp', '-m', 'comment', '--comment', 'kube-system/kube-dns:dns cluster IP', '-m', 'udp', '--dport', '53', '-j', 'KUBE-SVC-TCOU7JCQXEZGVUNU'],
  ['-A', 'KUBE-SERVICES', '-d', '10.96.0.10/32', '-p', 'tcp', '-m', 'comment', '--comment', 'kube-system/kube-dns:dns-tcp cluster IP', '-m', 'tcp', '--dport', '53', '-j', 'KUBE-SVC-ERIFXISQEP7F7OF4'],
  ['-A', 'KUBE-SERVICES', '-m', 'comment', '--comment', 'kubernetes service nodeports; NOTE: this must be the last rule in this chain', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'KUBE-NODEPORTS'],
];

const unavailable = (() => {
  const r = spawnSync('unshare', ['-n', 'iptables', '-t', 'nat', '-L', '-n']);
  return r.status === 0 ? undefined : `iptables in a new network namespace failed (needs root and iptables): ${r.stderr?.toString().trim()}`;
})();

describe.skipIf(unavailable)(`C-KPR-2 control on a real nat table (machine's iptables in its own netns)${unavailable ? `: skipped, ${unavailable}` : ''}`, () => {
  let holder: ChildProcess;
  let node: NodeHandle;
  beforeAll(async () => {
    holder = spawn('unshare', ['-n', 'sleep', '600'], { stdio: 'ignore' });
    // unshare makes its netns after it started: entering its pid before that enters this machine's own netns (and its
    // nat table). Wait until the holder's netns is another one (on a loaded machine the first nsenter came too early).
    const own = readlinkSync('/proc/self/ns/net');
    await pollUntilDone('the holder in a netns of its own', async () => {
      try { return readlinkSync(`/proc/${holder.pid}/ns/net`) === own ? ['same netns as this process'] : []; } catch { return ['no holder process yet']; }
    }, 10_000, 20);
    const inNs = (argv: string[]) => spawnSync('nsenter', ['-t', String(holder.pid), '-n', ...argv], { timeout: 10_000 });
    node = {
      name: 'kind-worker', role: 'worker', addresses: [],
      exec: async (argv) => { const r = inNs(argv); return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), exitCode: r.status ?? 1 }; },
    };
    for (const rule of KUBE_PROXY_RULES) expect(inNs(['iptables', '-t', 'nat', ...rule]).status).toBe(0);
  });
  afterAll(() => { holder?.kill('SIGKILL'); });

  const chains = async () => svcChainsOf((await node.exec(['iptables-save', '-t', 'nat'])).stdout, PROBE_SERVICE);

  it('apply returns with KUBE-SERVICES empty; undo puts back the same rules without waiting for kube-proxy', async () => {
    const before = (await node.exec(['iptables-save', '-t', 'nat'])).stdout;
    expect(await chains()).toEqual(['KUBE-SVC-ERIFXISQEP7F7OF4', 'KUBE-SVC-TCOU7JCQXEZGVUNU']);
    const breakage = await flushKubeServices(node, 5_000, 50);
    expect(await chains()).toEqual([]);
    await breakage.undo();
    expect(await chains()).toEqual(['KUBE-SVC-ERIFXISQEP7F7OF4', 'KUBE-SVC-TCOU7JCQXEZGVUNU']);
    const after = (await node.exec(['iptables-save', '-t', 'nat'])).stdout;
    expect(chainRestoreInput(after, 'KUBE-SERVICES')).toBe(chainRestoreInput(before, 'KUBE-SERVICES'));
  });

  it('undo fails, naming what it awaited, when the rules never come back', async () => {
    const breakage = await flushKubeServices(node, 200, 50);
    // kube-proxy removed a chain meanwhile: the saved copy is refused and nothing restores the rules.
    await node.exec(['iptables', '-t', 'nat', '-X', 'KUBE-SVC-TCOU7JCQXEZGVUNU']);
    await expect(breakage.undo()).rejects.toThrow(/kube-system\/kube-dns rules back in KUBE-SERVICES on kind-worker \(saved copy refused .*waiting for kube-proxy's resync\): not done/);
  });
});

describe('C-KPR-2 keeps kube-proxy off the node before flushing (its syncs rewrite KUBE-SERVICES)', () => {
  /** A fake API: kube-proxy's DaemonSet affinity and its pods per node; the DaemonSet controller drops the pod once patched. */
  function api(affinity = '') {
    const calls: string[][] = [];
    let patched = false;
    let polls = 0;
    const kubectl = async (argv: string[]) => {
      calls.push(argv);
      if (argv[0] === 'get' && argv.includes('daemonset')) return affinity;
      if (argv[0] === 'patch') { patched = argv.includes('strategic'); return ''; }
      if (argv.includes('pods')) return patched && ++polls > 1 ? '' : 'pod/kube-proxy-abcde\n';
      if (argv.includes('rollout')) return 'daemon set "kube-proxy" successfully rolled out\n';
      throw new Error(`unexpected kubectl ${argv.join(' ')}`);
    };
    return { kubectl, calls };
  }

  it('patches a node affinity that excludes the node, returns once its kube-proxy pod is gone; undo removes it and waits for the rollout', async () => {
    const { kubectl, calls } = api();
    const off = await kubeProxyOffNode(kubectl, 'cnc-x-cv-control-plane', 5_000, 10);
    const patch = JSON.parse(calls.find((c) => c[0] === 'patch')!.at(-1)!);
    expect(patch.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions)
      .toEqual([{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['cnc-x-cv-control-plane'] }]);
    expect(calls.filter((c) => c.includes('pods')).at(-1)).toEqual(['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-proxy', '--field-selector', 'spec.nodeName=cnc-x-cv-control-plane', '-o', 'name']);
    await off.undo();
    expect(calls.slice(-2)).toEqual([
      ['patch', '-n', 'kube-system', 'daemonset', 'kube-proxy', '--type', 'json', '-p', '[{"op":"remove","path":"/spec/template/spec/affinity"}]'],
      ['-n', 'kube-system', 'rollout', 'status', 'daemonset/kube-proxy', '--timeout', '5s'],
    ]);
  });

  it('refuses a DaemonSet that already has an affinity (the undo would lose it)', async () => {
    const { kubectl, calls } = api('{"nodeAffinity":{}}');
    await expect(kubeProxyOffNode(kubectl, 'n1', 1_000, 10)).rejects.toThrow(/already has an affinity/);
    expect(calls.some((c) => c[0] === 'patch')).toBe(false);
  });

  it('the control declares kube-proxy gone, not racing it', () => {
    expect(cKpr2.negativeControls[0]!.owner).toMatchObject({ reverts: 'never', breakage: 'removes' });
    expect(cKpr2.negativeControls[0]!.name).toMatch(/kube-proxy kept off it/);
  });
});
