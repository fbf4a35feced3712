import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { V1Node } from '@kubernetes/client-node';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { KubeAccess, podRefresher } from '../kind/pods.ts';
import { attachAccess, attachNodes, attachOptionsFromEnv, attachRun, loadKubeconfig, nodeRole } from './provider.ts';
import { nodeCommand, parseTemplate, shellQuote } from './node-exec.ts';
import type { PodHandle } from '../types.ts';
import { dockerExec } from '../kind/node.ts';
import { Unanswered } from '../unanswered.ts';
import { kernelFactsScript, moduleVerdict, readOnlyProbe } from '../kind/kernel-probe.ts';

describe('--node-exec templates', () => {
  it('are split as a shell splits words, not on every space', () => {
    expect(parseTemplate(`ssh -i "/home/me/my key" -o 'ProxyJump=bastion x' {node} --`)).toEqual(['ssh', '-i', '/home/me/my key', '-o', 'ProxyJump=bastion x', '{node}', '--']);
    expect(parseTemplate('ssh {node} -- sudo')).toEqual(['ssh', '{node}', '--', 'sudo']);
    expect(parseTemplate(String.raw`ssh a\ b {node}`)).toEqual(['ssh', 'a b', '{node}']);
  });

  it('refuse what they cannot mean, before anything runs', () => {
    expect(() => parseTemplate(`ssh -i "key {node}`)).toThrow('unterminated double quote');
    expect(() => parseTemplate(`ssh 'x {node}`)).toThrow('unterminated single quote');
    expect(() => parseTemplate('ssh host --')).toThrow('has no {node}');
    expect(() => parseTemplate('ssh {node} -- sudo | tee')).toThrow('"|" is shell syntax');
    expect(() => parseTemplate('  ')).toThrow('--node-exec is empty');
    expect(() => parseTemplate('ssh -i "$HOME/key" {node}')).toThrow('"$" is shell syntax, but the template runs without a local shell (nothing is expanded)');
    expect(parseTemplate(`ssh -o 'User=$x' {node}`)).toEqual(['ssh', '-o', 'User=$x', '{node}']);
  });

  // ssh joins its remote words with " " (openssh-portable ssh.c@V_9_9_P2) and the remote shell splits them again.
  const viaSsh = async (argv: string[]) => {
    const command = nodeCommand(['ssh', '{node}', '--', 'sudo'], 'worker-1', argv);
    expect(command.slice(0, 3)).toEqual(['ssh', 'worker-1', '--']);
    const remote = command.slice(3).join(' ').replace(/^sudo /, '');
    return (await execa('sh', ['-c', remote])).stdout;
  };

  it('pass each word through ssh intact: spaces, quotes and shell characters', async () => {
    expect(await viaSsh(['printf', '%s|', 'a b', "it's", '$HOME', 'x;y', ''])).toBe(`a b|it's|$HOME|x;y||`);
    // The old split-and-append gave the remote shell `printf %s| a b ...`: a pipe and re-split words.
    expect(shellQuote('plain-word_1.2')).toBe('plain-word_1.2');
  });

  it('hand the whole command as one quoted string to {cmd}', async () => {
    const command = nodeCommand(['sh', '-c', '{cmd}'], 'n1', ['printf', '%s|', 'a b', "it's"]);
    expect(command).toEqual(['sh', '-c', `printf '%s|' 'a b' 'it'\\''s'`]);
    expect((await execa(command[0]!, command.slice(1))).stdout).toBe(`a b|it's|`);
  });

  it('reach the suites parsed, from the CLI environment', () => {
    expect(attachOptionsFromEnv({ CNI_CONFORMANCE_ATTACH: 'prod', CNI_CONFORMANCE_NODE_EXEC: `ssh -i "my key" {node} --`, KUBECONFIG: 'a:b' }))
      .toEqual({ context: 'prod', kubeconfig: 'a:b', nodeExec: ['ssh', '-i', 'my key', '{node}', '--'] });
    expect(attachOptionsFromEnv({ CNI_CONFORMANCE_ATTACH: 'kind-x' })).toEqual({ context: 'kind-x', nodeExec: 'docker' });
  });
});

describe('attached nodes', () => {
  // Labels as kubeadm sets them on a control-plane node (kubectl get node -o json of a kind v0.32.0 node).
  const controlPlane: V1Node = {
    metadata: { name: 'cp', labels: { 'kubernetes.io/hostname': 'cp', 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' } },
    status: { addresses: [{ type: 'InternalIP', address: '172.18.0.3' }, { type: 'Hostname', address: 'cp' }] },
  };
  const worker: V1Node = { metadata: { name: 'w1', labels: { 'kubernetes.io/hostname': 'w1' } }, status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] } };

  it('a control-plane label with an empty value means control plane', () => {
    expect(nodeRole(controlPlane.metadata!.labels)).toBe('control-plane');
    expect(nodeRole({ 'node-role.kubernetes.io/master': '' })).toBe('control-plane');
    expect(nodeRole(worker.metadata!.labels)).toBe('worker');
    expect(nodeRole(undefined)).toBe('worker');
  });

  it('get their InternalIPs and exec through the template', async () => {
    const calls: string[][] = [];
    const fakeExec = (async (cmd: string, args: string[]) => { calls.push([cmd, ...args]); return { stdout: 'ok', stderr: '', exitCode: 0 }; }) as never;
    const nodes = attachNodes([worker, controlPlane], ['ssh', '{node}', '--'], fakeExec);
    expect(nodes.map((n) => [n.name, n.role, n.addresses])).toEqual([['cp', 'control-plane', ['172.18.0.3']], ['w1', 'worker', ['172.18.0.2']]]);
    await nodes[1]!.exec(['ip', 'route', 'show', 'table', 'main']);
    expect(calls).toEqual([['ssh', 'w1', '--', 'ip', 'route', 'show', 'table', 'main']]);
  });

  it('cut a node command that hangs, and say so', async () => {
    const hung = (async (cmd: string, args: string[], options: { timeout: number }) => {
      expect(options.timeout).toBe(180_000);
      return execa(cmd, args, { ...options, reject: false, timeout: 200 });
    }) as never;
    const [node] = attachNodes([worker], [process.execPath, '-e', 'setTimeout(() => {}, 30000)', '{node}'], hung);
    const cut = await node!.exec(['true']).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(Unanswered);
    expect((cut as Error).message).toMatch(/^true in node w1 \(.*\): no answer: cut after 180 s without an exit$/);
  });
});

describe('attached kubeconfig and contexts', () => {
  const kubeconfigFile = (dir: string, name: string, server: string) => {
    const file = join(dir, name);
    writeFileSync(file, `apiVersion: v1
kind: Config
clusters: [{ name: ${name}, cluster: { server: '${server}', insecure-skip-tls-verify: true } }]
users: [{ name: ${name}, user: { token: t } }]
contexts: [{ name: ${name}, context: { cluster: ${name}, user: ${name} } }]
current-context: ${name}
`);
    return file;
  };

  it('a KUBECONFIG list is merged as kubectl merges it, and the named context is used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnc-kubeconfig-'));
    const list = [kubeconfigFile(dir, 'dev', 'https://dev:6443'), kubeconfigFile(dir, 'prod', 'https://prod:6443')].join(delimiter);
    const config = loadKubeconfig(list);
    expect(config.getContexts().map((c) => c.name)).toEqual(['dev', 'prod']);
    const kube = new KubeAccess(config, 'prod');
    expect(kube.config.getCurrentCluster()?.server).toBe('https://prod:6443');
    // Loading a list as one file (the old loadFromFile) fails on the joined path.
    expect(() => new KubeAccess(list, 'prod')).toThrow();
  });

  it('the API calls go to the named context\'s server of a KUBECONFIG list, and roles come from the labels', async () => {
    const servers = await Promise.all(['dev', 'prod'].map((name) => new Promise<{ url: string; close: () => void }>((resolve) => {
      const server = createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        if (req.url?.startsWith('/api/v1/nodes')) {
          res.end(JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: [
            { metadata: { name: `${name}-cp`, labels: { 'node-role.kubernetes.io/control-plane': '' } }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } },
          ] }));
        } else { res.statusCode = 404; res.end('{}'); }
      });
      server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }));
    })));
    try {
      const dir = mkdtempSync(join(tmpdir(), 'cnc-kubeconfig-'));
      const list = [kubeconfigFile(dir, 'dev', servers[0]!.url), kubeconfigFile(dir, 'prod', servers[1]!.url)].join(delimiter);
      const items = await attachAccess({ context: 'prod', kubeconfig: list }).nodes();
      expect(attachNodes(items, 'docker').map((n) => [n.name, n.role])).toEqual([['prod-cp', 'control-plane']]);
    } finally {
      for (const s of servers) s.close();
    }
  });

  it('no kubeconfig at all is said as such, not as a missing context', () => {
    const home = process.env.HOME;
    const kubeconfig = process.env.KUBECONFIG;
    process.env.HOME = mkdtempSync(join(tmpdir(), 'cnc-home-'));
    delete process.env.KUBECONFIG;
    try {
      expect(() => loadKubeconfig()).toThrow('no kubeconfig found: KUBECONFIG is unset and ~/.kube/config does not exist');
    } finally {
      process.env.HOME = home;
      if (kubeconfig !== undefined) process.env.KUBECONFIG = kubeconfig;
    }
  });

  it('every CLI gets the attached context and the KUBECONFIG list as the user wrote it', async () => {
    const calls: Array<{ tool: string; args: string[]; env: Record<string, string> }> = [];
    const fakeExec = (async (tool: string, args: string[], options: { env: Record<string, string> }) => { calls.push({ tool, args, env: options.env }); return { stdout: '', stderr: '', exitCode: 0 }; }) as never;
    const run = attachRun({ context: 'prod', kubeconfig: `/a${delimiter}/b` }, fakeExec);
    await run(['kubectl', 'get', 'nodes']);
    await run(['helm', 'list', '-A']);
    await run(['cilium', 'status']);
    await run(['calicoctl', 'get', 'ippools']);
    expect(calls.map((c) => [c.tool, ...c.args])).toEqual([
      ['kubectl', '--context', 'prod', 'get', 'nodes'],
      ['helm', '--kube-context=prod', 'list', '-A'],
      ['cilium', '--context', 'prod', 'status'],
      ['calicoctl', 'get', 'ippools'],
    ]);
    for (const c of calls) expect(c.env.KUBECONFIG).toBe(`/a${delimiter}/b`);
    expect(calls[3]!.env).toMatchObject({ K8S_CURRENT_CONTEXT: 'prod', DATASTORE_TYPE: 'kubernetes' });
  });
});

describe('attached pods', () => {
  it('are re-read in place on refresh', async () => {
    const pod = (name: string) => ({ name, namespace: 'cni-conformance', node: 'w1', addresses: [], labels: {}, exec: async () => ({ stdout: '', stderr: '', exitCode: 0 }) }) as PodHandle;
    const pods: PodHandle[] = [pod('fixed-ip-aaaa')];
    const held = pods;
    await podRefresher(pods, async () => [pod('fixed-ip-bbbb'), pod('probe-x')])();
    expect(held.map((p) => p.name)).toEqual(['fixed-ip-bbbb', 'probe-x']);
  });
});

describe('kernel modules on an attached node, read without changing it', () => {
  it('reads this CI kernel right: vxlan built in, no ipip, no module loading', () => {
    // kernelFactsScript on this project's CI machine (kernel 6.18.44, no /proc/modules), as root and as uid 1000.
    const facts = 'sys:vxlan\n';
    expect(moduleVerdict('vxlan', facts)).toEqual({ ok: true });
    expect(moduleVerdict('ipip', facts)).toEqual({ ok: false, why: 'ipip is neither loaded nor built in, and this kernel loads no modules' });
  });

  it('a loadable module counts, as listed in modules.dep', async () => {
    // A modules.dep line in depmod's "module: dependencies" form (Debian linux-image 6.1 layout).
    const dir = mkdtempSync(join(tmpdir(), 'cnc-modules-'));
    writeFileSync(join(dir, 'modules.dep'), 'kernel/net/ipv4/ipip.ko: kernel/net/ipv4/tunnel4.ko kernel/net/ipv4/ip_tunnel.ko\nkernel/net/ipv4/tunnel4.ko:\n');
    const grep = kernelFactsScript.slice(kernelFactsScript.indexOf('grep')).replace('/lib/modules/$(uname -r)/modules.dep', join(dir, 'modules.dep'))
      .replace('/lib/modules/$(uname -r)/modules.builtin', join(dir, 'modules.builtin'));
    const deps = (await execa('sh', ['-c', grep])).stdout;
    expect(deps).toBe('dep:ipip');
    expect(moduleVerdict('ipip', `modules:on\n${deps}\n`)).toEqual({ ok: true });
    expect(moduleVerdict('vxlan', `modules:on\n${deps}\n`)).toMatchObject({ ok: false });
  });

  it('a built-in module counts, as listed in modules.builtin', async () => {
    // modules.builtin lists built-in objects by path, one a line (kbuild's modules.builtin, e.g. "kernel/net/ipv4/ipip.ko").
    const dir = mkdtempSync(join(tmpdir(), 'cnc-modules-'));
    writeFileSync(join(dir, 'modules.builtin'), 'kernel/net/ipv4/ip_tunnel.ko\nkernel/net/ipv4/ipip.ko\n');
    const grep = kernelFactsScript.slice(kernelFactsScript.indexOf('grep')).replace('/lib/modules/$(uname -r)/modules.builtin', join(dir, 'modules.builtin'))
      .replace('/lib/modules/$(uname -r)/modules.dep', join(dir, 'modules.dep'));
    const facts = (await execa('sh', ['-c', grep])).stdout;
    expect(facts).toBe('builtin:ipip');
    expect(moduleVerdict('ipip', `modules:on\n${facts}\n`)).toEqual({ ok: true });
  });

  it('the attach probe runs only reads', async () => {
    const calls: string[][] = [];
    const node = { name: 'w1', role: 'worker' as const, addresses: [], exec: async (argv: string[]) => { calls.push(argv); return { stdout: argv[0] === 'sh' ? 'sys:vxlan\n' : '', stderr: '', exitCode: 0 }; } };
    expect(await readOnlyProbe(node)).toEqual({ ipip: false, vxlan: true, features: [] });
    expect(calls).toEqual([['sh', '-c', kernelFactsScript], ['ip', '-d', 'link', 'show']]);
  });
});

describe('docker exec into a node', () => {
  it('is cut at the deadline and says so', async () => {
    const hung = (async (_cmd: string, _args: string[], options: { timeout: number }) =>
      execa(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { reject: false, timeout: options.timeout })) as never;
    // Cut: the command's end was never seen, so it is Unanswered (an INCONCLUSIVE check), naming the command and node.
    const cut = await dockerExec('cnc-x-c1-worker', ['tcpdump', '-c', '1'], 200, hung, 'docker').catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(Unanswered);
    expect((cut as Error).message).toBe('tcpdump -c 1 in container cnc-x-c1-worker: no answer: docker exec cut after 0.2 s without an exit');
  });
});
