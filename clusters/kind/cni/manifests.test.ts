import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { localCopyPath, readLocalCopy } from '../local-copies.ts';
import { describe, expect, test } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { versions } from '../../../versions.ts';
import { kindProfiles } from '../../profiles/kind/index.ts';
import { cniImages as cniImagesOf, preloadImages } from '../images.ts';
import { ensureKindNetwork, parseKindNetwork, requireIpv4Gateway } from '../kind-network.ts';
import { buildPlan, renderCommand } from '../plan.ts';
import { loadKindProfile } from '../profiles.ts';
import { readUpstream, upstreamPath } from '../validate/upstream.ts';
import {
  calicoKubeControllers, calicoManifestFiles, calicoManifestUrl, calicoNamespace, calicoNodeDaemonSet, calicoVppConfigMap, calicoVppKindUrl,
  calicoVppNamespace, localCalicoManifest,
} from './calico.ts';
import type { CalicoManifestInstall, FlannelInstall } from '../types.ts';
import { flannelConfigMap, flannelFiles, flannelNamespace, kubeFlannelUrl, localKubeFlannel } from './flannel.ts';

const kindGateway = '172.23.0.1';
const plan = (name: string) => buildPlan(loadKindProfile(name), { runId: 'unit', dir: '/abs/plan', kindGateway });

interface K8sDoc { kind: string; metadata: { name: string; namespace?: string }; data?: Record<string, string> }
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as K8sDoc);
/** What a strategic-merge patch of a ConfigMap does to `data`: patched keys replaced, the others kept. */
const mergeData = (base: K8sDoc, patch: K8sDoc) => ({ ...base.data, ...patch.data });

describe('flannel: net-conf is rendered into the manifest before anything is applied', () => {
  test.each(['flannel-host-gw', 'flannel-vxlan'])('%s: kubectl apply -k over the pinned manifest; no live ConfigMap patch, no restart', (name) => {
    const p = plan(name);
    const cluster = p.clusters[0]!;
    const rendered = p.commands.map(renderCommand);
    expect(rendered.filter((c) => /patch configmap|rollout restart/.test(c))).toEqual([]);
    expect(rendered).toContainEqual(expect.stringMatching(new RegExp(`apply -k flannel/${cluster}$`)));
    const kustomization = parse(p.files[`flannel/${cluster}/kustomization.yaml`]!) as { resources: string[]; patches: Array<{ path: string }> };
    expect(kustomization.resources).toEqual([kubeFlannelUrl]);
    expect(kustomization.patches.map((x) => p.files[`flannel/${cluster}/${x.path}`])).not.toContain(undefined);
  });

  test.skipIf(!upstreamPath('flannel/kube-flannel.yml'))('the patch targets kube-flannel.yml\'s ConfigMap: host-gw net-conf, cni-conf.json as shipped', () => {
    const upstream = docs(readUpstream('flannel/kube-flannel.yml')).find((d) => d.kind === 'ConfigMap')!;
    expect(JSON.parse(upstream.data!['net-conf.json']!)).toMatchObject({ Backend: { Type: 'vxlan' } });
    const patch = parse(plan('flannel-host-gw').files['flannel/cnc-unit-fl-hostgw/net-conf.yaml']!) as K8sDoc;
    expect(patch.metadata).toEqual({ name: upstream.metadata.name, namespace: upstream.metadata.namespace });
    expect(patch.metadata).toEqual({ name: flannelConfigMap, namespace: flannelNamespace });
    const merged = mergeData(upstream, patch);
    expect(JSON.parse(merged['net-conf.json']!)).toEqual({ Network: '10.244.0.0/16', EnableNFTables: false, Backend: { Type: 'host-gw' } });
    expect(merged['cni-conf.json']).toBe(upstream.data!['cni-conf.json']);
  });

  test('with a local kube-flannel.yml (built by npm run images) the kustomization takes that file, not the URL', () => {
    const install = loadKindProfile('flannel-vxlan').clusters[0]!.install as FlannelInstall;
    const files = flannelFiles('c1', install, 'kind: Namespace\n');
    const kustomization = parse(files['flannel/c1/kustomization.yaml']!) as { resources: string[] };
    expect(kustomization.resources).toEqual([localKubeFlannel]);
    expect(files[`flannel/c1/${localKubeFlannel}`]).toBe('kind: Namespace\n');
    expect((parse(flannelFiles('c1', install)['flannel/c1/kustomization.yaml']!) as { resources: string[] }).resources).toEqual([kubeFlannelUrl]);
  });

  test('readLocalCopy: the cached render when its sha256 matches, nothing without a cache, an error when it does not match', () => {
    const cache = mkdtempSync(join(tmpdir(), 'cnc-flannel-'));
    expect(readLocalCopy(kubeFlannelUrl, cache)).toBeUndefined();
    const file = localCopyPath(kubeFlannelUrl, cache);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'kind: Namespace\n');
    writeFileSync(`${file}.sha256`, `${createHash('sha256').update('kind: Namespace\n').digest('hex')}  kube-flannel.yml\n`);
    expect(readLocalCopy(kubeFlannelUrl, cache)).toBe('kind: Namespace\n');
    writeFileSync(file, 'kind: Namespace\nx: 1\n');
    expect(() => readLocalCopy(kubeFlannelUrl, cache)).toThrow(/failed to verify .*kube-flannel\.yml: sha256/);
  });
});

/** calico.yaml / calico-vxlan.yaml@v3.31.0 documents (fixtures/calico-manifest/SOURCES.md). */
const calicoFixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/calico-manifest/${name}`, import.meta.url), 'utf8')) as {
  kind: string; metadata: { name: string; namespace: string };
  spec: { template: { spec: { containers: Array<{ name: string; image: string; imagePullPolicy?: string; env?: Array<{ name: string }>; livenessProbe?: { exec: { command: string[] } } }>; initContainers?: Array<{ image: string; imagePullPolicy?: string }> } } };
};

describe('calico: the pinned manifest with NO_DEFAULT_POOLS, rendered before anything is applied', () => {
  test.each([['calico-vxlan', 'vxlan', 'calico-vxlan.yaml'], ['calico-bgp-mesh', 'bird', 'calico.yaml'], ['calico-bgp-rr', 'bird', 'calico.yaml'], ['calico-ipip', 'bird', 'calico.yaml']])(
    '%s: kubectl create -k over %s\'s manifest (%s), pools through calicoctl, then calico-node and kube-controllers rolled out', (name, backend, manifest) => {
      const p = plan(name);
      const cluster = p.clusters[0]!;
      const rendered = p.commands.map(renderCommand);
      const kustomization = parse(p.files[`calico/${cluster}/kustomization.yaml`]!) as { resources: string[]; patches: Array<{ path: string }> };
      expect(kustomization.resources).toEqual([calicoManifestUrl(backend as CalicoManifestInstall['backend'])]);
      expect(kustomization.resources[0]).toMatch(new RegExp(`/${versions.calico.release}/manifests/${manifest.replace('.', '\\.')}$`));
      const at = (re: RegExp) => rendered.findIndex((c) => re.test(c));
      const create = at(new RegExp(`create -k calico/${cluster}$`));
      const crd = at(/wait --for condition=established .*crd\/ippools\.crd\.projectcalico\.org/);
      const pools = at(/calicoctl apply -f calico\/.*-resources\.yaml/);
      const node = at(new RegExp(`-n ${calicoNamespace} rollout status daemonset/${calicoNodeDaemonSet} `));
      const controllers = at(new RegExp(`-n ${calicoNamespace} rollout status deployment/${calicoKubeControllers} `));
      expect([create, crd, pools, node, controllers].every((i) => i >= 0)).toBe(true);
      expect([create, crd, pools, node, controllers]).toEqual([...[create, crd, pools, node, controllers]].sort((a, b) => a - b));
      expect(rendered.filter((c) => /tigera|Installation|tigerastatus/.test(c))).toEqual([]);
      expect(Object.keys(p.files).filter((f) => f.includes('installation'))).toEqual([]);
    });

  test.each(['vxlan', 'bird'])('the patch targets %s\'s calico-node DaemonSet and its container, which sets no pool CIDR', (backend) => {
    const ds = calicoFixture(`calico-node-daemonset-${backend}.json`);
    const patch = parse(plan(backend === 'vxlan' ? 'calico-vxlan' : 'calico-bgp-mesh').files[`calico/cnc-unit-${backend === 'vxlan' ? 'cal-vxlan' : 'cal-mesh'}/no-default-pools.yaml`]!) as {
      kind: string; metadata: { name: string; namespace: string }; spec: { template: { spec: { containers: Array<{ name: string; env: Array<{ name: string; value: string }> }> } } };
    };
    expect(patch.kind).toBe(ds.kind);
    expect(patch.metadata).toEqual({ name: ds.metadata.name, namespace: ds.metadata.namespace });
    const [container] = patch.spec.template.spec.containers;
    expect(container).toEqual({ name: 'calico-node', env: [{ name: 'NO_DEFAULT_POOLS', value: 'true' }] });
    const upstreamEnv = ds.spec.template.spec.containers.find((c) => c.name === container!.name)!.env!.map((e) => e.name);
    // startup.go@v3.31.0:907-911 terminates calico-node when NO_DEFAULT_POOLS meets CALICO_IPV4POOL_CIDR or CALICO_IPV6POOL_CIDR.
    expect(upstreamEnv).not.toContain('CALICO_IPV4POOL_CIDR');
    expect(upstreamEnv).not.toContain('CALICO_IPV6POOL_CIDR');
    expect(upstreamEnv).not.toContain('NO_DEFAULT_POOLS');
  });

  test('calico-vxlan.yaml runs no BIRD probe; calico.yaml does', () => {
    const probe = (backend: string) => calicoFixture(`calico-node-daemonset-${backend}.json`).spec.template.spec.containers[0]!.livenessProbe!.exec.command;
    expect(probe('vxlan')).not.toContain('-bird-live');
    expect(probe('bird')).toContain('-bird-live');
  });

  test('the images the manifests run are the ones the plan preloads, pulled only if not present', () => {
    const specs = ['calico-node-daemonset-vxlan.json', 'calico-node-daemonset-bird.json', 'kube-controllers-deployment.json'].map(calicoFixture);
    const used = specs.flatMap((d) => [...d.spec.template.spec.containers, ...(d.spec.template.spec.initContainers ?? [])]);
    const cluster = loadKindProfile('calico-vxlan').clusters[0]!;
    const all = cniImagesOf(cluster);
    expect([...new Set(used.map((c) => c.image))].sort()).toEqual([...all].sort());
    expect(new Set(used.map((c) => c.imagePullPolicy))).toEqual(new Set(['IfNotPresent']));
    expect(specs.map((d) => d.metadata)).toEqual([
      expect.objectContaining({ name: calicoNodeDaemonSet, namespace: calicoNamespace }),
      expect.objectContaining({ name: calicoNodeDaemonSet, namespace: calicoNamespace }),
      expect.objectContaining({ name: calicoKubeControllers, namespace: calicoNamespace }),
    ]);
  });

  test('with a local manifest (taken from the calico module by npm run images) the kustomization takes that file, not the URL', () => {
    const install = loadKindProfile('calico-vxlan').clusters[0]!.install as CalicoManifestInstall;
    const files = calicoManifestFiles('c1', install, 'kind: Namespace\n');
    expect((parse(files['calico/c1/kustomization.yaml']!) as { resources: string[] }).resources).toEqual([localCalicoManifest]);
    expect(files[`calico/c1/${localCalicoManifest}`]).toBe('kind: Namespace\n');
    const p = buildPlan(loadKindProfile('calico-vxlan'), { runId: 'unit', dir: '/abs/plan', localManifests: { [calicoManifestUrl('vxlan')]: 'kind: Namespace\n' } });
    expect(p.files['calico/cnc-unit-cal-vxlan/calico.yaml']).toBe('kind: Namespace\n');
    expect(Object.values(p.files).join('\n')).not.toContain('raw.githubusercontent.com');
  });
});

describe('calico-vpp: the kind network gateway, never a hard-coded 172.18.0.1', () => {
  test('the plan refuses without the gateway, naming how to get it', () => {
    expect(() => buildPlan(loadKindProfile('calico-vpp'), { runId: 'unit', dir: '/abs/plan' }))
      .toThrow(/failed to plan calico-vpp on cnc-unit-cal-vpp: needs the IPv4 gateway of the "kind" docker network.*docker network create/);
  });

  test('the manifest is applied through a kustomization that sets the gateway', () => {
    const p = plan('calico-vpp');
    const kustomization = parse(p.files['calico/cnc-unit-cal-vpp-vpp/kustomization.yaml']!) as { resources: string[] };
    expect(kustomization.resources).toEqual([calicoVppKindUrl]);
    expect(p.commands.map(renderCommand)).toContainEqual(expect.stringMatching(/create -k calico\/cnc-unit-cal-vpp-vpp$/));
    expect(p.commands.map(renderCommand).filter((c) => c.includes(calicoVppKindUrl))).toEqual([]);
    const all = Object.values(p.files).join('\n');
    expect(all).not.toContain('172.18.0.1');
    expect(all).toContain(kindGateway);
  });

  test.skipIf(!upstreamPath('calico-vpp/calico-vpp-kind.yaml'))('the patched CALICOVPP_INITIAL_CONFIG is upstream\'s with only the gateway changed; images and pull policy as pinned', () => {
    const text = readUpstream('calico-vpp/calico-vpp-kind.yaml');
    const upstream = docs(text).find((d) => d.kind === 'ConfigMap' && d.metadata.name === calicoVppConfigMap)!;
    expect(upstream.metadata.namespace).toBe(calicoVppNamespace);
    const patch = parse(plan('calico-vpp').files['calico/cnc-unit-cal-vpp-vpp/gateway.yaml']!) as K8sDoc;
    expect(patch.metadata).toEqual({ name: calicoVppConfigMap, namespace: calicoVppNamespace });
    const expected = JSON.parse(upstream.data!['CALICOVPP_INITIAL_CONFIG']!.replaceAll('172.18.0.1', kindGateway)) as unknown;
    expect(JSON.parse(patch.data!['CALICOVPP_INITIAL_CONFIG']!)).toEqual(expected);
    const images = [...text.matchAll(/image: (\S+)\n\s+imagePullPolicy: (\S+)/g)];
    expect(images.map((m) => m[1])).toEqual([...versions.calicoVpp.images]);
    expect(new Set(images.map((m) => m[2]))).toEqual(new Set(['IfNotPresent']));
  });

  test('parses the kind network as Docker reports it (fixtures/docker/SOURCES.md)', () => {
    const network = parseKindNetwork(readFileSync(new URL('../fixtures/docker/network-inspect-kind-like.json', import.meta.url), 'utf8'));
    expect(network).toEqual({
      subnets: [{ subnet: '172.19.0.0/16', gateway: '172.19.0.1' }, { subnet: 'fc00:f853:ccd:e793::/64' }],
      ipv4Subnet: '172.19.0.0/16', ipv4Gateway: '172.19.0.1',
    });
    expect(() => requireIpv4Gateway({ subnets: [{ subnet: 'fc00::/64' }] }, 'plan x')).toThrow(/plan x: the "kind" docker network has no IPv4 gateway \(subnets: fc00::\/64\)/);
  });
});

describe('images are pulled once on the host and loaded into each cluster', () => {
  test.each(kindProfiles.map((p) => p.name))('%s', (name) => {
    const p = plan(name);
    const rendered = p.commands.map(renderCommand);
    const profile = loadKindProfile(name);
    const firstCreate = rendered.findIndex((c) => c.startsWith('kind create cluster'));
    const wanted = [...new Set(profile.clusters.flatMap((spec) => preloadImages(spec)))];
    expect(rendered.slice(0, firstCreate)).toEqual(wanted.map((image) => `docker pull ${image}`));
    p.clusters.forEach((cluster, i) => {
      const create = rendered.findIndex((c) => c.startsWith(`kind create cluster --name ${cluster} `));
      const load = rendered.indexOf(`kind load docker-image ${preloadImages(profile.clusters[i]!).join(' ')} --name ${cluster}`);
      const firstApply = rendered.findIndex((c) => c.includes(`--context kind-${cluster} `) && / (apply|create) -[fk] /.test(c));
      expect(load).toBeGreaterThan(create);
      expect(load).toBeLessThan(firstApply);
    });
    // A preloaded image is useless if a pod re-pulls it: every workload container that uses one says IfNotPresent.
    for (const [file, text] of Object.entries(p.files).filter(([f]) => f.startsWith('workloads/'))) {
      for (const doc of parseAllDocuments(text).map((d) => d.toJS() as { spec?: { template?: { spec?: { containers?: Array<{ image: string; imagePullPolicy?: string }> } }; containers?: Array<{ image: string; imagePullPolicy?: string }> } })) {
        const containers = doc.spec?.template?.spec?.containers ?? doc.spec?.containers ?? [];
        for (const c of containers.filter((x) => wanted.includes(x.image))) expect(c.imagePullPolicy, `${file}: ${c.image}`).toBe('IfNotPresent');
      }
    }
  });
});

describe('the kind network before a calico-vpp plan', () => {
  const inspectText = readFileSync(new URL('../fixtures/docker/network-inspect-kind-like.json', import.meta.url), 'utf8');
  const fakeDocker = (exists: boolean, createWorks = true) => {
    const calls: string[] = [];
    let present = exists;
    const cli = async (args: string[]) => {
      calls.push(args.join(' '));
      if (args[0] === 'network' && args[1] === 'inspect' && args[2] === 'bridge') return { stdout: '1500\n', stderr: '', exitCode: 0 };
      if (args[0] === 'network' && args[1] === 'inspect') return present ? { stdout: inspectText, stderr: '', exitCode: 0 } : { stdout: '[]', stderr: 'Error: No such network: kind', exitCode: 1 };
      if (args[0] === 'network' && args[1] === 'create') { present = createWorks; return createWorks ? { stdout: 'id', stderr: '', exitCode: 0 } : { stdout: '', stderr: 'pool overlaps', exitCode: 1 }; }
      return { stdout: '', stderr: 'unexpected', exitCode: 1 };
    };
    return { cli, calls };
  };

  test('an existing network is used as it is', async () => {
    const { cli, calls } = fakeDocker(true);
    expect((await ensureKindNetwork(() => {}, cli)).ipv4Gateway).toBe('172.19.0.1');
    expect(calls).toEqual(['network inspect kind']);
  });

  test('a missing one is created with kind\'s options and the default bridge MTU, then read back', async () => {
    const { cli, calls } = fakeDocker(false);
    expect((await ensureKindNetwork(() => {}, cli)).ipv4Gateway).toBe('172.19.0.1');
    expect(calls).toContain('network create -d=bridge -o com.docker.network.bridge.enable_ip_masquerade=true -o com.docker.network.driver.mtu=1500 kind');
  });

  test('a failed create names Docker\'s error', async () => {
    const { cli } = fakeDocker(false, false);
    await expect(ensureKindNetwork(() => {}, cli)).rejects.toThrow('failed to create the kind docker network: pool overlaps');
  });
});
