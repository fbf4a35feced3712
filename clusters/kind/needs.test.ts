import { describe, expect, test } from 'vitest';
import { behaviour } from '../../suites/catalogue.ts';
import { kindProfiles } from '../profiles/kind/index.ts';
import { unmetNeed, renderedClusters } from './needs.ts';
import { buildPlan } from './plan.ts';
import { loadKindProfile } from './profiles.ts';

describe('every kind profile deploys what its behaviours need (rendered plan)', () => {
  test.each(kindProfiles.map((p) => p.name))('%s', (name) => {
    const clusters = renderedClusters(buildPlan(loadKindProfile(name), { runId: 'unit', dir: '/abs/plan', kindGateway: '172.18.0.1' }));
    const problems = loadKindProfile(name).behaviours.flatMap((id) => {
      const needs = behaviour(id).needs;
      if (!needs) return [`${id}: declares no needs (Behaviour.needs); every behaviour a kind profile runs must`];
      return needs.flatMap((need) => unmetNeed(clusters, need).map((p) => `${id} needs ${JSON.stringify(need)}: ${p}`));
    });
    expect(problems).toEqual([]);
  });
});

describe('the needs check can fail', () => {
  const clusters = renderedClusters(buildPlan(loadKindProfile('cilium-clustermesh'), { runId: 'unit', dir: '/abs/plan', kindGateway: '172.18.0.1' }));
  test('no probe pods, no second cluster for a single-cluster plan, no fixed-ip pod', () => {
    expect(unmetNeed(clusters, { kind: 'pods-on-nodes', count: 2 })).toEqual(['probe pods are sure to run on 0 nodes, need 2']);
    expect(unmetNeed(clusters, { kind: 'service', name: 'probe', type: 'ClusterIP', app: 'probe' })).toEqual(['no Service probe in cni-conformance']);
    expect(unmetNeed(clusters, { kind: 'rebel-base-x-wing-in-two-clusters' })).toEqual([]);
    expect(unmetNeed(clusters.slice(0, 1), { kind: 'rebel-base-x-wing-in-two-clusters' })[0]).toMatch(/need two/);
    expect(unmetNeed(clusters, { kind: 'fixed-ip-pod' })[0]).toMatch(/no pod annotated/);
  });
  test('a DaemonSet on every node leaves no node without a backend; a Deployment replica count is not a same-node guarantee', () => {
    const one = renderedClusters(buildPlan(loadKindProfile('cilium-vxlan'), { runId: 'unit', dir: '/abs/plan', kindGateway: '172.18.0.1' }));
    expect(unmetNeed(one, { kind: 'node-without-backend', app: 'probe' })[0]).toMatch(/may cover all 3 nodes/);
    expect(unmetNeed(one, { kind: 'pods-on-one-node', count: 3 })[0]).toMatch(/no node is sure to run 3 probe pods/);
  });
});
