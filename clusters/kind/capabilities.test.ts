import { expect, test } from 'vitest';
import { detectCapabilities, detectCni, imageVersion } from './capabilities.ts';
import { linkFeatures } from './kernel-probe.ts';
import { kernelFactsScript } from './kernel-probe.ts';
import { kindPrerequisiteProblems } from './detect.ts';
import { parseToolVersion } from './tools.ts';
import { exitCodeOf } from './pods.ts';
import { nodeCommand } from '../attach/provider.ts';

test('tool versions parse from real version outputs', () => {
  expect(parseToolVersion('kind v0.32.0 go1.24.2 linux/amd64')).toBe('v0.32.0');
  expect(parseToolVersion('cilium-cli: v0.19.7 compiled with go1.25.0 on linux/amd64\ncilium image (default): v1.18.0')).toBe('v0.19.7');
  expect(parseToolVersion('v3.21.4+g1234567')).toBe('v3.21.4');
  expect(parseToolVersion('Client Version:    v3.32.1\nGit commit:        0ca9d1b93')).toBe('v3.32.1');
  expect(parseToolVersion('command not found')).toBeUndefined();
});

test('CNI and versions from DaemonSet lines', () => {
  expect(detectCni('kube-system/cilium quay.io/cilium/cilium:v1.20.0@sha256:abc123\nkube-system/kube-proxy registry.k8s.io/kube-proxy:v1.36.1')).toEqual({ cni: 'cilium', versions: { cilium: '1.20.0' } });
  expect(detectCni('calico-system/calico-node docker.io/calico/node:v3.32.1\ncalico-vpp-dataplane/calico-vpp-node docker.io/calicovpp/agent:v3.32.0')).toEqual({ cni: 'calico', versions: { calico: '3.32.1', calicoVpp: '3.32.0' } });
  expect(detectCni('kube-flannel/kube-flannel-ds ghcr.io/flannel-io/flannel:v0.28.9')).toEqual({ cni: 'flannel', versions: { flannel: '0.28.9' } });
  expect(detectCni('kube-system/kindnet docker.io/kindest/kindnetd:v20250512')).toEqual({ cni: 'none', versions: {} });
  expect(imageVersion('localhost:5000/calico/node:v3.32.1')).toBe('3.32.1');
});

test('kind\'s capability probe only reads the node: no test link, so no module load and no fallback tunl0 (L-HG-1)', async () => {
  const calls: string[][] = [];
  const node = { name: 'cnc-x-fhg-control-plane', role: 'control-plane' as const, addresses: [], exec: async (argv: string[]) => {
    calls.push(argv);
    return { stdout: argv[0] === 'sh' ? 'sys:vxlan\nmodules:on\ndep:ipip\n' : '', stderr: '', exitCode: 0 };
  } };
  const run = async () => ({ stdout: 'kube-flannel/kube-flannel-ds ghcr.io/flannel-io/flannel:v0.28.9', stderr: '', exitCode: 0 });
  const caps = await detectCapabilities('kind', run, [node]);
  expect(caps.kernel).toEqual({ ipip: true, vxlan: true });
  expect(calls.filter((argv) => argv.includes('add'))).toEqual([]);
  expect(calls).toEqual([['sh', '-c', kernelFactsScript], ['ip', '-d', 'link', 'show']]);
});

test('link features from ip -d link output', () => {
  const out = [
    '5: cilium_vxlan: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN mode DEFAULT group default',
    '    vxlan external id 0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300',
    '3: cilium_host@cilium_net: <BROADCAST,MULTICAST,NOARP,UP,LOWER_UP> mtu 1500',
    '7: cali1234567890a@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1480',
  ].join('\n');
  expect(linkFeatures(out).sort()).toEqual(['calico-gateway', 'cilium-host', 'vxlan']);
  expect(linkFeatures('1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536')).toEqual([]);
});

test('prerequisites name what is missing and how to get it', () => {
  const base = { dockerInfo: { exitCode: 0, stderr: '' }, nodeImagePresent: false, nodeImagePullable: false, toolsMissing: ['kind not on PATH'], toolboxBuildable: false };
  const problems = kindPrerequisiteProblems(base);
  expect(problems).toHaveLength(2);
  expect(problems[0]).toMatch(/kindest\/node:v1\.36\.1.*docker pull/);
  expect(problems[1]).toMatch(/kind not on PATH.*toolbox/);
  expect(kindPrerequisiteProblems({ ...base, dockerInfo: { exitCode: 1, stderr: 'Cannot connect to the Docker daemon' } })).toEqual([expect.stringMatching(/docker is not reachable \(Cannot connect/)]);
  expect(kindPrerequisiteProblems({ ...base, nodeImagePresent: true, toolsMissing: [] })).toEqual([]);
});

test('exec status exit codes and attach exec templates', () => {
  expect(exitCodeOf({ status: 'Success' })).toBe(0);
  expect(exitCodeOf({ status: 'Failure', details: { causes: [{ reason: 'ExitCode', message: '28' }] } })).toBe(28);
  expect(nodeCommand(['ssh', '{node}', '--'], 'w1', ['ip', 'route'])).toEqual(['ssh', 'w1', '--', 'ip', 'route']);
});

test('kube actions point CLIs at the cluster and refuse unknown tools', async () => {
  const { clusterArgv } = await import('./kube-actions.ts');
  expect(clusterArgv('c1', ['kubectl', 'get', 'pods'])).toEqual({ tool: 'kubectl', args: ['--context', 'kind-c1', 'get', 'pods'], env: {} });
  expect(clusterArgv('c1', ['calicoctl', 'node', 'status'])).toEqual({ tool: 'calicoctl', args: ['node', 'status'], env: { K8S_CURRENT_CONTEXT: 'kind-c1' } });
  expect(clusterArgv('c1', ['helm', 'list'])).toEqual({ tool: 'helm', args: ['--kube-context=kind-c1', 'list'], env: {} });
  expect(clusterArgv('c1', ['rm', '-rf', '/'])).toBeUndefined();
});
