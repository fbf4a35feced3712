import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { versions } from '../../versions.ts';
import { builtNodeImageName } from './engine-choice.ts';
import { CGROUP_V1_KUBELET_PATCH, kindConfigAllowsCgroupV1 } from './kind-config.ts';
import { buildPlan, renderCommand } from './plan.ts';
import { loadKindProfile } from './profiles.ts';

const profile = loadKindProfile('flannel-vxlan');
const flannelImages = [`ghcr.io/flannel-io/flannel-cni-plugin:${versions.flannel.cniPlugin}`, `ghcr.io/flannel-io/flannel:${versions.flannel.release}`];

describe('a kind plan on podman with images built here', () => {
  const plan = buildPlan(profile, {
    runId: 'unit', dir: '/plans/unit', nodeImage: builtNodeImageName(),
    images: { engine: 'podman', present: [versions.testImages.netshoot, ...flannelImages] },
  });
  const rendered = plan.commands.map(renderCommand);
  const cluster = plan.clusters[0]!;

  it('pulls nothing the engine holds (a pull would ask a registry that does not answer)', () => {
    expect(rendered.filter((c) => / pull /.test(c))).toEqual([]);
  });

  it('loads the test image and the CNI\'s images through a podman docker-archive: kind load docker-image would call docker save', () => {
    const save = rendered.find((c) => c.startsWith('podman save'));
    expect(save).toBe(`podman save --format docker-archive --multi-image-archive -o ${cluster}-images.tar ${versions.testImages.netshoot} ${flannelImages.join(' ')}`);
    expect(rendered).toContain(`kind load image-archive ${cluster}-images.tar --name ${cluster}`);
    expect(rendered.some((c) => c.startsWith('kind load docker-image'))).toBe(false);
    expect(rendered.indexOf(save!)).toBeGreaterThan(rendered.findIndex((c) => c.startsWith('kind create cluster')));
  });

  it('runs in-node steps through podman exec', () => {
    expect(rendered.filter((c) => c.includes(' exec ')).every((c) => c.startsWith('podman exec '))).toBe(true);
    expect(rendered.some((c) => c.startsWith('podman exec '))).toBe(true);
  });

  it('creates nodes from the image built here, with the kubelet allowed to start on cgroup v1', () => {
    const config = parse(plan.files[`kind/${cluster}.yaml`]!) as { nodes: Array<{ image: string }>; kubeadmConfigPatches: string[] };
    expect(config.nodes.map((n) => n.image)).toEqual(config.nodes.map(() => builtNodeImageName()));
    expect(config.kubeadmConfigPatches).toEqual([CGROUP_V1_KUBELET_PATCH]);
    expect(kindConfigAllowsCgroupV1(config)).toBe(true);
  });
});

describe('the same plan on docker where registries answer', () => {
  const plan = buildPlan(profile, { runId: 'unit', dir: '/plans/unit' });
  const rendered = plan.commands.map(renderCommand);

  it('pulls the test image, loads it with kind load docker-image, leaves the CNI\'s images to the nodes, uses the pinned node image', () => {
    expect(rendered.filter((c) => / pull /.test(c))).toEqual([`docker pull ${versions.testImages.netshoot}`]);
    expect(rendered.find((c) => c.startsWith('kind load'))).toBe(`kind load docker-image ${versions.testImages.netshoot} --name ${plan.clusters[0]}`);
    const config = parse(plan.files[`kind/${plan.clusters[0]}.yaml`]!) as { nodes: Array<{ image: string }> };
    expect(config.nodes.every((n) => n.image === versions.kind.nodeImage)).toBe(true);
  });
});
