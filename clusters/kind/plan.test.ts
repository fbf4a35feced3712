import { describe, expect, test } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { versions } from '../../versions.ts';
import { kindProfiles } from '../profiles/kind/index.ts';
import { ciliumImages } from './cni/cilium.ts';
import { flannelConfigMap, flannelDaemonSet, flannelNamespace } from './cni/flannel.ts';
import { nodeNames } from './naming.ts';
import { buildPlan, NODE_REGISTRATION_SECONDS, renderCommand } from './plan.ts';
import { loadKindProfile, ProfileError } from './profiles.ts';
import type { KindProfile } from './types.ts';
import { upstreamPath, readUpstream } from './validate/upstream.ts';

/** A kind network gateway other than upstream's hard-coded 172.18.0.1, so a leftover hard-coded address shows. */
const kindGateway = '172.23.0.1';
const plan = (name: string) => buildPlan(loadKindProfile(name), { runId: 'unit', dir: '/abs/plan', kindGateway });

describe('plan shape', () => {
  test.each(kindProfiles.map((p) => p.name))('%s: create clusters first, install, then workloads; teardown deletes each', (name) => {
    const p = plan(name);
    const rendered = p.commands.map(renderCommand);
    const creates = rendered.filter((c) => c.startsWith('kind create cluster'));
    expect(creates).toHaveLength(p.clusters.length);
    const firstCreate = rendered.findIndex((c) => c.startsWith('kind create cluster'));
    expect(rendered.slice(0, firstCreate).every((c) => c.startsWith('docker pull '))).toBe(true);
    expect(rendered[firstCreate]).toMatch(/^kind create cluster --name cnc-unit-/);
    expect(rendered.at(-1)).toMatch(/rollout status/);
    expect(p.teardown.map(renderCommand)).toEqual(p.clusters.map((c) => `kind delete cluster --name ${c}`));
    for (const cluster of p.clusters) expect(p.files[`kind/${cluster}.yaml`]).toContain(versions.kind.nodeImage);
  });

  test('cilium installs the pinned chart with its values file; KPR points the agent at the control plane', () => {
    const p = plan('cilium-kpr');
    const helm = p.commands.find((c) => c.tool === 'helm')!;
    expect(helm.args).toEqual(expect.arrayContaining(['--version', versions.cilium.chart, '-f', 'cilium/cnc-unit-cil-kpr-values.yaml']));
    const values = parse(p.files['cilium/cnc-unit-cil-kpr-values.yaml']!) as Record<string, unknown>;
    expect(values).toMatchObject({ kubeProxyReplacement: 'true', k8sServiceHost: 'cnc-unit-cil-kpr-control-plane', k8sServicePort: 6443, bpf: { masquerade: true } });
    expect(parse(p.files['kind/cnc-unit-cil-kpr.yaml']!)).toMatchObject({ networking: { kubeProxyMode: 'none', disableDefaultCNI: true } });
    expect(parse(plan('cilium-vxlan').files['cilium/cnc-unit-cil-vxlan-values.yaml']!)).not.toHaveProperty('k8sServiceHost');
  });

  test('cilium waits with kubectl for the agent DaemonSet and the operator, named as the chart names them', () => {
    const rendered = plan('cilium-vxlan').commands.map(renderCommand);
    const helm = rendered.findIndex((c) => c.startsWith('helm install cilium cilium --repo https://helm.cilium.io/'));
    const agent = rendered.findIndex((c) => c.endsWith('-n kube-system rollout status daemonset/cilium --timeout 600s'));
    const operator = rendered.findIndex((c) => c.endsWith('-n kube-system rollout status deployment/cilium-operator --timeout 300s'));
    const coredns = rendered.findIndex((c) => c.includes('rollout status deployment/coredns'));
    expect([helm, agent, operator, coredns].every((i, n, all) => i >= 0 && (n === 0 || i > all[n - 1]!))).toBe(true);
    expect(rendered.some((c) => c.startsWith('cilium '))).toBe(false);
  });

  test('cilium from the local chart: the folder instead of the repository, localBuildValues merged, archives loaded from their files', () => {
    const archive = '/cache/cilium-archives/quay.io_cilium_cilium_v1.20.0.tar';
    const p = buildPlan(loadKindProfile('cilium-kpr'), {
      runId: 'unit', dir: '/abs/plan', localCiliumChart: '/cache/offline/helm.cilium.io/cilium-1.20.0',
      images: { engine: 'podman', present: [versions.testImages.netshoot, ...Object.values(ciliumImages)] }, imageArchives: { [ciliumImages.agent]: archive },
    });
    const rendered = p.commands.map(renderCommand);
    expect(rendered).toContain('helm install cilium /cache/offline/helm.cilium.io/cilium-1.20.0 --namespace kube-system -f cilium/cnc-unit-cil-kpr-values.yaml '
      + '--kubeconfig kubeconfig/cnc-unit-cil-kpr --kube-context kind-cnc-unit-cil-kpr --timeout 10m');
    expect(rendered).toContain(`kind load image-archive ${archive} --name cnc-unit-cil-kpr`);
    const save = rendered.find((c) => c.startsWith('podman save'))!;
    expect(save).toContain(ciliumImages.operator);
    expect(save).not.toContain(ciliumImages.agent);
    const values = parse(p.files['cilium/cnc-unit-cil-kpr-values.yaml']!) as Record<string, unknown>;
    expect(values).toMatchObject({
      kubeProxyReplacement: 'true', k8sServiceHost: 'cnc-unit-cil-kpr-control-plane', bpf: { masquerade: true }, l7Proxy: false, envoy: { enabled: false },
      image: { pullPolicy: 'IfNotPresent', useDigest: false }, operator: { replicas: 1, image: { useDigest: false } },
    });
    expect(JSON.stringify(values)).not.toContain('SYS_RESOURCE');
  });

  test('clustermesh: CA shared before the second install, connect after both, rebel-base global in each cluster', () => {
    const p = plan('cilium-clustermesh');
    const rendered = p.commands.map(renderCommand);
    const shareCa = rendered.findIndex((c) => c.includes('get secret cilium-ca') && c.includes('| kubectl'));
    const helms = rendered.flatMap((c, i) => (c.startsWith('helm install') ? [i] : []));
    const connect = rendered.findIndex((c) => c.includes('clustermesh connect'));
    expect(helms[0]!).toBeLessThan(shareCa);
    expect(shareCa).toBeLessThan(helms[1]!);
    expect(connect).toBeGreaterThan(helms[1]!);
    const values = p.clusters.map((c) => parse(p.files[`cilium/${c}-values.yaml`]!) as { cluster: { name: string; id: number } });
    expect(values.map((v) => v.cluster)).toEqual([{ name: 'cluster1', id: 1 }, { name: 'cluster2', id: 2 }]);
    expect(p.clusters.map((c) => (parse(p.files[`kind/${c}.yaml`]!) as { networking: { podSubnet: string } }).networking.podSubnet)).toEqual(['10.10.0.0/16', '10.20.0.0/16']);
    const docs = parseAllDocuments(p.files[`workloads/${p.clusters[1]}.yaml`]!).map((d) => d.toJS() as { kind: string; metadata: { name: string; annotations?: Record<string, string> } });
    expect(docs.find((d) => d.kind === 'Service' && d.metadata.name === 'rebel-base')?.metadata.annotations).toEqual({ 'service.cilium.io/global': 'true' });
    const rebel = parseAllDocuments(p.files[`workloads/${p.clusters[1]}.yaml`]!).map((d) => d.toJS()).find((d) => d.kind === 'Deployment' && d.metadata.name === 'rebel-base');
    expect(rebel.spec.template.spec.containers[0].command.join(' ')).toMatch(/Cluster.{1,8}cluster2/);
  });

  test('calico-bgp-rr: the reflector is labelled by kind and annotated with its cluster ID by kubectl', () => {
    const p = plan('calico-bgp-rr');
    const config = parse(p.files['kind/cnc-unit-cal-rr.yaml']!) as { nodes: Array<{ labels: Record<string, string> }> };
    expect(config.nodes.filter((n) => n.labels['route-reflector'] === 'true')).toHaveLength(1);
    expect(p.commands.map(renderCommand)).toContain(
      'kubectl --kubeconfig kubeconfig/cnc-unit-cal-rr --context kind-cnc-unit-cal-rr annotate node cnc-unit-cal-rr-worker projectcalico.org/RouteReflectorClusterID=244.0.0.1 --overwrite');
    // kind create returns before every kubelet registered its Node: the annotation is retried until the Node exists.
    const annotate = p.commands.find((c) => c.args.includes('annotate'))!;
    expect(annotate.retrySeconds).toBe(NODE_REGISTRATION_SECONDS);
    expect(annotate.retrySeconds).toBeGreaterThanOrEqual(60);
    // No operator: calicoctl applies the mesh switch and the peers; calico-node makes no default pool (NO_DEFAULT_POOLS).
    expect(p.files['calico/cnc-unit-cal-rr-installation.yaml']).toBeUndefined();
    const resources = parseAllDocuments(p.files['calico/cnc-unit-cal-rr-resources.yaml']!).map((d) => d.toJS() as { kind: string; spec: Record<string, unknown> });
    expect(resources.find((r) => r.kind === 'BGPConfiguration')?.spec).toMatchObject({ nodeToNodeMeshEnabled: false });
    expect(resources.filter((r) => r.kind === 'BGPPeer')).toHaveLength(2);
    expect(p.files['calico/cnc-unit-cal-rr/no-default-pools.yaml']).toContain('NO_DEFAULT_POOLS');
  });

  test('flannel mounts the pinned reference bridge plugin and renders net-conf into the manifest before applying it', () => {
    const p = plan('flannel-host-gw');
    expect(p.downloads[0]?.url).toContain(`/${versions.cniPlugins}/cni-plugins-linux-amd64-${versions.cniPlugins}.tgz`);
    const config = parse(p.files['kind/cnc-unit-fl-hostgw.yaml']!) as { nodes: Array<{ extraMounts: unknown[] }> };
    expect(config.nodes[0]!.extraMounts).toEqual([{ hostPath: `/abs/plan/cni-plugins/${versions.cniPlugins}/bridge`, containerPath: '/opt/cni/bin/bridge', readOnly: true }]);
    const patch = parse(p.files['flannel/cnc-unit-fl-hostgw/net-conf.yaml']!) as { data: Record<string, string> };
    expect(JSON.parse(patch.data['net-conf.json']!)).toMatchObject({ Network: '10.244.0.0/16', Backend: { Type: 'host-gw' } });
  });

  test('node names follow kind\'s namer', () => {
    expect(nodeNames('c', [{ role: 'control-plane' }, { role: 'worker' }, { role: 'worker' }, { role: 'worker' }])).toEqual(['c-control-plane', 'c-worker', 'c-worker2', 'c-worker3']);
  });
});

describe.skipIf(!upstreamPath('flannel/kube-flannel.yml') || !upstreamPath('calico-vpp/calico-vpp-kind.yaml'))('plan vs upstream manifests', () => {
  test('kube-flannel.yml has the ConfigMap and DaemonSet we patch, at the pinned images', () => {
    const docs = parseAllDocuments(readUpstream('flannel/kube-flannel.yml')).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } });
    expect(docs.some((d) => d.kind === 'ConfigMap' && d.metadata.name === flannelConfigMap && d.metadata.namespace === flannelNamespace)).toBe(true);
    expect(docs.some((d) => d.kind === 'DaemonSet' && d.metadata.name === flannelDaemonSet)).toBe(true);
    const text = readUpstream('flannel/kube-flannel.yml');
    expect(text).toContain(`flannel:${versions.flannel.release}`);
    expect(text).toContain(`flannel-cni-plugin:${versions.flannel.cniPlugin}`);
  });

  test('calico-vpp: the kind service subnet equals SERVICE_PREFIX of calico-vpp-kind.yaml, images at the pinned release', () => {
    const text = readUpstream('calico-vpp/calico-vpp-kind.yaml');
    const servicePrefix = /SERVICE_PREFIX: (\S+)/.exec(text)?.[1];
    const config = parse(plan('calico-vpp').files['kind/cnc-unit-cal-vpp.yaml']!) as { networking: { serviceSubnet: string } };
    expect(config.networking.serviceSubnet).toBe(servicePrefix);
    expect(text).toContain(`calicovpp/agent:${versions.calicoVpp.release}`);
  });

  test('every profile behaviour id is in BEHAVIOURS.md', () => {
    const catalogue = upstreamPath('../docs/BEHAVIOURS.md') ? readUpstream('../docs/BEHAVIOURS.md') : '';
    const ids = new Set([...catalogue.matchAll(/^\| ([A-Z]-[A-Z]+-\d+) \|/gm)].map((m) => m[1]));
    expect(ids.size).toBeGreaterThan(20);
    for (const profile of kindProfiles) for (const id of profile.behaviours) expect(ids, `${profile.name}: ${id}`).toContain(id);
  });
});

describe('profile loading collects every problem', () => {
  test('unknown name lists the known profiles and the close ones', () => {
    expect(() => loadKindProfile('calico-ipp')).toThrow(/profile "calico-ipp": unknown profile \(did you mean calico-ipip or calico-vpp\?\); known: cilium-vxlan, .*flannel-host-gw$/);
  });

  test('a broken profile reports each problem at once', () => {
    const base = loadKindProfile('cilium-clustermesh');
    const broken: KindProfile = {
      ...base,
      behaviours: ['C-CM-1', 'clustermesh'],
      clusters: base.clusters.map((c, i) => ({
        ...c,
        networking: { ...c.networking, podSubnet: '10.10.0.0/16', kubeProxyMode: i === 0 ? 'iptables' : 'none', disableDefaultCNI: i === 0 ? false : true },
        install: c.install.cni === 'cilium' ? { ...c.install, values: { ...c.install.values, cluster: { name: 'same', id: 1 } } } : c.install,
      })),
    };
    const error = (() => { try { loadKindProfile(broken.name, [broken]); } catch (e) { return e; } return undefined; })();
    expect(error).toBeInstanceOf(ProfileError);
    const problems = (error as ProfileError).problems;
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/behaviour id "clustermesh"/),
      expect.stringMatching(/cluster 0 .*disableDefaultCNI must be true/),
      expect.stringMatching(/cluster 0 .*kubeProxyReplacement "true" next to kube-proxy/),
      expect.stringMatching(/pod CIDRs 10.10.0.0\/16 and 10.10.0.0\/16 overlap/),
      expect.stringMatching(/distinct cluster.id values, got \[1,1\]/),
    ]));
    expect((error as Error).message).toMatch(/^failed to load profile: 5 problems:/);
  });
});
