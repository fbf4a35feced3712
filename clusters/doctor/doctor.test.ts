import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { versions } from '../../versions.ts';
import { parseKindNetwork } from '../kind/kind-network.ts';
import { cgroupFindings } from './cgroup.ts';
import { stopping } from './types.ts';
import { kindConfig, kindConfigAllowsCgroupV1 } from '../kind/kind-config.ts';
import { loadKindProfile } from '../kind/profiles.ts';
import { diskFindings, diskMinimumBytes } from './disk.ts';
import { compareApi, dockerEngineFindings } from './docker-engine.ts';
import { imageFindings, parseManifest, repositoryOf } from './images.ts';
import { formatFindings } from './index.ts';
import { inotifyFindings } from './inotify.ts';
import { kernelModuleFindings, moduleNamesFromList } from './kernel-modules.ts';
import { cidrsOverlap, kindNetworkFindings } from './network.ts';
import { toolFindings } from './tools.ts';

const kindFixture = (name: string) => readFileSync(new URL(`../kind/fixtures/docker/${name}`, import.meta.url), 'utf8');
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const ok = (stdout: string) => ({ exitCode: 0, stdout, stderr: '' });

describe('docker engine and API versions', () => {
  const real = kindFixture('version-20.10.24.json');

  test('this machine: Engine 20.10.24 (API 1.41) accepts the host CLI and the toolbox CLI', () => {
    const findings = dockerEngineFindings(ok(real));
    expect(findings.map((f) => [f.check, f.status])).toEqual([['docker engine', 'ok'], ['docker CLI (host)', 'ok']]);
    expect(findings[0]!.detail).toBe('Docker Engine 20.10.24+dfsg1, API 1.41 (accepts clients from API 1.12)');
  });

  test('no engine: one failure with how to start it', () => {
    const findings = dockerEngineFindings({ exitCode: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' });
    expect(findings).toEqual([expect.objectContaining({ status: 'fail', detail: expect.stringMatching(/^no Docker engine answers: Cannot connect/), fix: expect.stringMatching(/start dockerd/) })]);
  });

  test('Engine 29.0 (minimum API 1.44) refuses a host CLI that speaks only 1.41, as bookworm\'s docker.io does', () => {
    const engine29 = JSON.parse(real) as { Client: Record<string, unknown>; Server: Record<string, unknown> };
    Object.assign(engine29.Server, { Version: '29.0.0', ApiVersion: '1.52', MinAPIVersion: '1.44' });
    delete engine29.Client['DefaultAPIVersion'];
    const findings = dockerEngineFindings(ok(JSON.stringify(engine29)));
    expect(findings.find((f) => f.check === 'docker CLI (host)')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/speaks API 1\.41, the engine refuses clients below 1\.44/) });
    expect(findings.find((f) => f.check === 'docker CLI (toolbox)')).toBeUndefined();
  });

  test('API versions compare numerically', () => {
    expect(compareApi('1.9', '1.44')).toBeLessThan(0);
    expect(compareApi(versions.dockerApi.toolboxClient, '1.44')).toBeGreaterThan(0);
  });
});

describe('host kernel and limits', () => {
  test('cgroup v1 stops Kubernetes >= 1.35 kubelets; v2 is fine', () => {
    expect(JSON.parse(kindFixture('info-20.10.24.json'))).toMatchObject({ CgroupVersion: '1' });
    expect(cgroupFindings('1', 36)[0]).toMatchObject({ status: 'fail', fix: expect.stringMatching(/systemd\.unified_cgroup_hierarchy=1/) });
    expect(cgroupFindings('1', 34)[0]!.status).toBe('warn');
    expect(cgroupFindings('2', 36)[0]!.status).toBe('ok');
  });

  test('cgroup v1 refuses every kind profile before anything starts, until the harness sets failCgroupV1: false (then a warning)', () => {
    const v1 = cgroupFindings('1', 36);
    expect(stopping(v1, 'cilium-native')).toEqual(v1);
    expect(stopping(v1, 'flannel-vxlan')).toEqual(v1);
    const patched = cgroupFindings('1', 36, true);
    expect(patched[0]).toMatchObject({ status: 'warn', detail: expect.stringMatching(/failCgroupV1: false/) });
    expect(stopping(patched, 'cilium-native')).toEqual([]);
    // The hook: a kind config carrying the kubeadm patch of the KubeletConfiguration; every config the harness renders has it.
    expect(kindConfigAllowsCgroupV1({ kubeadmConfigPatches: ['kind: KubeletConfiguration\nfailCgroupV1: false\n'] })).toBe(true);
    expect(kindConfigAllowsCgroupV1({ kubeadmConfigPatches: ['kind: KubeletConfiguration\nfailCgroupV1: true\n'] })).toBe(false);
    const spec = loadKindProfile('flannel-vxlan').clusters[0]!;
    expect(kindConfigAllowsCgroupV1(kindConfig({ name: 'x', runId: 'unit', spec, cniPluginsDir: '/p' }))).toBe(true);
  });

  test('a missing module refuses only the profiles that need it', () => {
    const none = kernelModuleFindings({ sysModules: [], procModules: [], bridgeNetfilterSysctls: false }, { ipip: ['calico-ipip'], vxlan: ['flannel-vxlan'], br_netfilter: ['flannel-vxlan', 'flannel-host-gw'] });
    expect(stopping(none, 'flannel-host-gw').map((f) => f.check)).toEqual(['kernel module br_netfilter']);
    // kind/calico-ipip's pool is ipipMode Always: without ipip no cross-node pod packet flows, so it is refused.
    expect(stopping(none, 'calico-ipip').map((f) => f.check)).toEqual(['kernel module ipip']);
    expect(stopping(none, 'flannel-vxlan').map((f) => f.check)).toEqual(['kernel module vxlan', 'kernel module br_netfilter']);
    expect(stopping(none, 'cilium-native')).toEqual([]);
  });

  test('inotify limits against kind\'s known-issues values (this machine: 192536 / 128)', () => {
    const low = inotifyFindings({ max_user_watches: 192536, max_user_instances: 128 });
    expect(low.map((f) => f.status)).toEqual(['warn', 'warn']);
    expect(low[0]!.fix).toBe('sudo sysctl fs.inotify.max_user_watches=524288 (persist it in /etc/sysctl.d/)');
    expect(inotifyFindings({ max_user_watches: 524288, max_user_instances: 512 }).map((f) => f.status)).toEqual(['ok', 'ok']);
  });

  test('free disk below the margin is a warning with the prune fix; a remote engine is not measured', () => {
    expect(diskFindings('/var/lib/docker', diskMinimumBytes - 1)[0]).toMatchObject({ status: 'warn', fix: expect.stringMatching(/docker system prune/) });
    expect(diskFindings('/var/lib/docker', diskMinimumBytes)[0]!.status).toBe('ok');
    expect(diskFindings('/var/lib/docker', undefined)[0]!.status).toBe('info');
  });

  test('kernel modules: built in, loadable, or absent (this machine: no module support, vxlan and bridge built in)', () => {
    const here = kernelModuleFindings({ sysModules: ['bridge', 'vxlan'], bridgeNetfilterSysctls: true });
    expect(here.map((f) => [f.check, f.status])).toEqual([['kernel module ipip', 'fail'], ['kernel module vxlan', 'ok'], ['kernel module br_netfilter', 'ok']]);
    expect(here[0]!.detail).toMatch(/not in this kernel \(this kernel has no loadable modules\); needed by Calico IPIP/);
    const modular = kernelModuleFindings({ sysModules: [], procModules: ['bridge'], loadable: moduleNamesFromList('kernel/net/ipv4/ipip.ko.zst: kernel/net/ipv4/ip_tunnel.ko.zst\nkernel/drivers/net/vxlan/vxlan.ko.zst:\nkernel/net/bridge/br_netfilter.ko.zst: kernel/net/bridge/bridge.ko.zst'), bridgeNetfilterSysctls: false });
    expect(modular.map((f) => f.fix)).toEqual(['sudo modprobe ipip (persist it in /etc/modules-load.d/)', 'sudo modprobe vxlan (persist it in /etc/modules-load.d/)', 'sudo modprobe br_netfilter (persist it in /etc/modules-load.d/)']);
    expect(kernelModuleFindings({ sysModules: [], procModules: [], bridgeNetfilterSysctls: false })[1]!.status).toBe('fail');
  });
});

describe('pinned images', () => {
  test('docker manifest inspect output parses (docker/cli testdata, fixtures/SOURCES.md)', () => {
    expect(parseManifest(fixture('manifest-image.json'))).toEqual({ kind: 'image', layerBytes: 1990402 });
    const list = parseManifest(fixture('manifest-list.json'));
    expect(list.kind).toBe('list');
    expect(list.kind === 'list' && list.platforms[0]).toEqual({ os: 'linux', architecture: 'amd64', digest: 'sha256:1072e499f3f655a032e88542330cf75b02e7bdf673278f701d7ba61629ee3ebe' });
    expect(parseManifest('no such manifest')).toEqual({ kind: 'unparsed', text: 'no such manifest' });
  });

  test('repository of a reference, for inspecting one platform by digest', () => {
    expect(repositoryOf(versions.kind.nodeImage)).toBe('kindest/node');
    expect(repositoryOf('localhost:5000/calico/node:v3.32.1')).toBe('localhost:5000/calico/node');
    expect(repositoryOf('docker.io/calicovpp/vpp')).toBe('docker.io/calicovpp/vpp');
  });

  test('present with size, pullable with size, or neither with the fix; an unneeded one is only noted', () => {
    expect(imageFindings({ image: 'a:1', role: 'r', localBytes: 1.2e9 })).toMatchObject({ status: 'ok', detail: 'r: present locally (1200 MB)' });
    expect(imageFindings({ image: 'a:1', role: 'r', registry: { pullable: true, compressedBytes: 4.5e8 } }).detail).toBe('r: not present, pullable (450 MB to download)');
    const missing = imageFindings({ image: 'a:1', role: 'r', registry: { pullable: false, error: 'no such host' } });
    expect(missing).toMatchObject({ status: 'fail', fix: 'docker pull a:1 where a registry is reachable, then carry it over: docker save a:1 | docker load' });
    expect(imageFindings({ image: 'a:1', role: 'r', registry: { pullable: false, error: 'x' }, optional: true }).status).toBe('info');
    expect(imageFindings({ image: versions.kind.nodeImage, role: 'r', registry: { pullable: false, error: 'x' } }).fix).toMatch(/^docker pull kindest\/node:v1\.36\.1@sha256:\w+ on this machine once a registry is reachable/);
  });
});

describe('tools and the kind network', () => {
  test('a tool off its pin is fine when the toolbox can stand in, a failure when it cannot', () => {
    const status = [{ tool: 'kubectl' as const, found: 'v1.32.4', ok: false, problem: 'kubectl v1.32.4 on PATH, pinned v1.36.1' }];
    expect(toolFindings(status, { present: false, buildable: true, tag: 't' })[0]!.status).toBe('info');
    expect(toolFindings(status, { present: false, buildable: false, tag: 't' })[0]).toMatchObject({ status: 'fail', fix: `install kubectl ${versions.kind.kubectl} on PATH, or make the toolbox base image pullable` });
  });

  test('the kind network\'s subnet, and a clash with a profile CIDR', () => {
    const network = parseKindNetwork(kindFixture('network-inspect-kind-like.json'));
    expect(kindNetworkFindings(network, [{ profile: 'p', cidr: '10.244.0.0/16' }])).toEqual([
      { check: 'kind network', status: 'ok', detail: 'subnets 172.19.0.0/16 (gateway 172.19.0.1), fc00:f853:ccd:e793::/64' },
    ]);
    expect(kindNetworkFindings({ subnets: [{ subnet: '10.96.0.0/12' }] }, [{ profile: 'cilium-kpr', cidr: '10.96.0.0/16' }])[1]).toMatchObject({ status: 'fail', detail: '10.96.0.0/12 overlaps cilium-kpr 10.96.0.0/16' });
    expect(kindNetworkFindings(undefined, [])[0]!.status).toBe('info');
    expect(cidrsOverlap('172.18.0.0/16', '172.18.5.0/24')).toBe(true);
    expect(cidrsOverlap('10.10.0.0/16', '10.20.0.0/16')).toBe(false);
  });

  test('the report puts each fix under its problem, and can show problems only', () => {
    const text = formatFindings([{ check: 'a', status: 'ok', detail: 'fine' }, { check: 'b', status: 'fail', detail: 'broken', fix: 'do x' }], true);
    expect(text).toBe('❌ b: broken\n     fix: do x');
  });
});
