import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { ExecResult } from '../types.ts';
import { calicoBackend, calicoFeatures, detectCapabilities, type Run } from './capabilities.ts';

/** calico-config and calico-node of manifests/calico-vxlan.yaml and calico.yaml@v3.31.0 (fixtures/calico-manifest/SOURCES.md). */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/calico-manifest/${name}`, import.meta.url), 'utf8');
const vxlanConfig = fixture('calico-config-vxlan.json');
const vxlanNode = fixture('calico-node-daemonset-vxlan.json');
const birdConfig = fixture('calico-config-bird.json');

describe('calico backend without an operator Installation', () => {
  test('calico-vxlan.yaml: CALICO_NETWORKING_BACKEND from calico-config is vxlan, so no BIRD and no BGP mesh', () => {
    expect(calicoBackend({ calicoNodeDaemonSet: vxlanNode, calicoConfig: vxlanConfig })).toEqual({
      backend: 'vxlan', source: 'calico-node env CALICO_NETWORKING_BACKEND from ConfigMap calico-config/calico_backend', unparsed: [],
    });
    const features = calicoFeatures({ calicoNodeDaemonSet: vxlanNode, calicoConfig: vxlanConfig });
    expect(features).not.toContain('bird');
    expect(features).not.toContain('bgp-mesh');
  });

  test('calico.yaml: calico_backend bird runs BIRD with the default mesh', () => {
    expect(calicoFeatures({ calicoNodeDaemonSet: vxlanNode, calicoConfig: birdConfig })).toEqual(expect.arrayContaining(['bird', 'bgp-mesh']));
  });

  test('a literal env value wins over the ConfigMap; only the ConfigMap is enough too', () => {
    const ds = JSON.parse(vxlanNode) as { spec: { template: { spec: { containers: Array<{ name: string; env: Array<{ name: string; value?: string; valueFrom?: unknown }> }> } } } };
    const env = ds.spec.template.spec.containers.find((c) => c.name === 'calico-node')!.env;
    env.splice(env.findIndex((e) => e.name === 'CALICO_NETWORKING_BACKEND'), 1, { name: 'CALICO_NETWORKING_BACKEND', value: 'bird' });
    const literal = JSON.stringify(ds);
    expect(calicoBackend({ calicoNodeDaemonSet: literal, calicoConfig: vxlanConfig }).backend).toBe('bird');
    expect(calicoBackend({ calicoConfig: vxlanConfig })).toMatchObject({ backend: 'vxlan', source: 'ConfigMap calico-config calico_backend' });
  });

  test('nothing to read: unknown, not BIRD; an unknown value is reported, not dropped', () => {
    expect(calicoBackend({})).toEqual({ source: 'no Installation, calico-node env or calico-config found', unparsed: [] });
    expect(calicoFeatures({})).not.toContain('bird');
    const odd = calicoBackend({ calicoConfig: vxlanConfig.replace('"calico_backend": "vxlan"', '"calico_backend": "gobgp"') });
    expect(odd.unparsed).toEqual(['ConfigMap calico-config calico_backend: backend "gobgp" is none of bird, vxlan, none']);
    expect(calicoFeatures({ calicoConfig: vxlanConfig.replace('"vxlan"', '"gobgp"') })).not.toContain('bird');
  });

  test('with an Installation, its calicoNetwork.bgp decides', () => {
    const installation = (bgp?: string) => JSON.stringify({ spec: { calicoNetwork: bgp ? { bgp } : {} } });
    expect(calicoBackend({ installation: installation('Disabled'), calicoConfig: birdConfig }).backend).toBe('none');
    expect(calicoBackend({ installation: installation() }).backend).toBe('bird');
  });

  test('detectCapabilities reads calico-node and calico-config when no Installation exists', async () => {
    const calls: string[] = [];
    const ok = (stdout: string): ExecResult => ({ stdout, stderr: '', exitCode: 0 });
    const notFound: ExecResult = { stdout: '', stderr: 'Error from server (NotFound)', exitCode: 1 };
    const run: Run = async (argv) => {
      const line = argv.join(' ');
      calls.push(line);
      if (line.startsWith('kubectl get daemonsets -A')) return ok('kube-system/calico-node docker.io/calico/node:v3.32.1\nkube-system/kube-proxy registry.k8s.io/kube-proxy:v1.36.1\n');
      if (line === 'kubectl -n kube-system get daemonset calico-node -o json') return ok(vxlanNode);
      if (line === 'kubectl -n kube-system get configmap calico-config -o json') return ok(vxlanConfig);
      return notFound;
    };
    const capabilities = await detectCapabilities('attach', run, []);
    expect(capabilities.cni).toBe('calico');
    expect(capabilities.features).not.toContain('bird');
    expect(capabilities.features).not.toContain('bgp-mesh');
    expect(calls).toContain('kubectl -n kube-system get configmap calico-config -o json');
  });
});
