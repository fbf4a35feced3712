import { versions } from '../../versions.ts';
import type { EngineName } from '../engine.ts';
import { calicoManifestImages } from './cni/calico.ts';
import { ciliumImages } from './cni/cilium.ts';
import { flannelImages } from './cni/flannel.ts';
import { clusterName } from './naming.ts';
import type { Command, KindClusterSpec } from './types.ts';

/**
 * Images a CNI's manifest makes the nodes pull themselves: flannel Documentation/kube-flannel.yml@v0.28.9:136,147,160
 * (no imagePullPolicy, tagged: IfNotPresent, so an image loaded into the node is used); calico manifests/calico.yaml and
 * calico-vxlan.yaml@v3.31.0 (imagePullPolicy IfNotPresent; checked against the upstream copy in tests); Cilium's chart by tag
 * when its values say useDigest false (cni/cilium.ts localBuildValues; the profiles' `image.pullPolicy: IfNotPresent`). Where the engine
 * holds them (pulled before, or built by `npm run images` where no registry serves them) the plan loads them as well.
 */
export function cniImages(spec: KindClusterSpec): string[] {
  if (spec.install.cni === 'flannel') {
    return [flannelImages.cniPlugin, flannelImages.flannel];
  }
  if (spec.install.cni === 'calico' && !spec.install.vpp) {
    return [...calicoManifestImages];
  }
  if (spec.install.cni === 'cilium') return [ciliumImages.agent, ciliumImages.operator];
  return [];
}

/** Where the plan's images come from: the engine kind runs on, and the images it already holds. */
export interface ImageSource {
  engine: EngineName;
  /** Images the engine holds already (as `image inspect` finds them): never pulled again. */
  present: readonly string[];
}

const dockerOnly: ImageSource = { engine: 'docker', present: [] };

/**
 * Images pulled once on the host and loaded into every node, as kind's and Cilium's CI do, instead of each node pulling
 * anonymously from Docker Hub (rate limits): the test workloads' images always, the CNI's own where the engine holds them.
 * The pods must not re-pull: imagePullPolicy IfNotPresent (workloads.ts; calico-vpp-kind.yaml@v3.32.0 sets it for agent and vpp).
 */
export function preloadImages(spec: KindClusterSpec, source: ImageSource = dockerOnly): string[] {
  const images: string[] = [versions.testImages.netshoot];
  if (spec.install.cni === 'calico' && spec.install.vpp) images.push(...versions.calicoVpp.images);
  images.push(...cniImages(spec).filter((image) => source.present.includes(image)));
  return images;
}

/**
 * `<engine> pull` of every image the plan preloads that the engine lacks, once for all clusters. kind itself pulls only
 * what `image inspect` does not find (pkg/cluster/internal/providers/docker/images.go@v0.32.0 pullIfNotPresent); a pull
 * of a present image would still ask the registry, which a machine without one cannot answer.
 */
export function pullImageCommands(specs: readonly KindClusterSpec[], source: ImageSource = dockerOnly): Command[] {
  const images = [...new Set(specs.flatMap((spec) => preloadImages(spec, source)))].filter((image) => !source.present.includes(image));
  return images.map((image) => ({ tool: source.engine, args: ['pull', image], why: `pull ${image} once on the host`, retrySeconds: 120 }));
}

/** The archive podman saves a cluster's preloaded images to, in the plan folder. */
export const imageArchive = (cluster: string): string => `${cluster}-images.tar`;

/**
 * Loads the preloaded images into one cluster, after it was created. Optional: a failed load leaves the images to the
 * nodes' own pulls (imagePullPolicy IfNotPresent).
 * docker: `kind load docker-image`. kind imports with `ctr images import --all-platforms`
 * (pkg/cluster/nodeutils/util.go@v0.32.0 LoadImageArchive), which fails with "content digest ... not found" when the
 * host's Docker uses the containerd image store (the default for fresh installs of Docker Engine 29) and saved a
 * multi-platform image of which only one platform was pulled (kubernetes-sigs/kind#3795, open; documented workaround in
 * kubernetes-sigs/kind#4247: `docker image save --platform` + `kind load image-archive`, needs Engine API 1.48).
 * podman: `kind load docker-image` saves with the docker CLI whatever the provider
 * (pkg/cmd/kind/load/docker-image/docker-image.go@v0.32.0 save: exec.Command("docker", "save", ...)), so podman saves
 * the images itself, several in one docker-archive (`--multi-image-archive`, podman-save(1) 4.3), and kind loads that file
 * (`kind load image-archive`, pkg/cmd/kind/load/image-archive/image-archive.go@v0.32.0).
 */
export function loadImageCommands(runId: string, spec: KindClusterSpec, source: ImageSource = dockerOnly, archives: Readonly<Record<string, string>> = {}): Command[] {
  const name = clusterName(runId, spec.suffix);
  const all = preloadImages(spec, source);
  // Images `npm run images` saved as docker-archives already (Cilium's, about 1 GB) load from those files, not saved again.
  const saved = all.filter((image) => archives[image] !== undefined).map((image) => ({
    tool: 'kind' as const, args: ['load', 'image-archive', archives[image]!, '--name', name],
    why: `load ${image} into ${name} from the archive npm run images saved (if this fails, the nodes pull it)`, optional: true,
  }));
  const images = all.filter((image) => archives[image] === undefined);
  const why = `load ${images.join(', ')} into ${name} (if this fails, the nodes pull them)`;
  if (source.engine === 'docker') {
    return [{ tool: 'kind', args: ['load', 'docker-image', ...images, '--name', name], why, optional: true }, ...saved];
  }
  return [
    { tool: 'podman', args: ['save', '--format', 'docker-archive', '--multi-image-archive', '-o', imageArchive(name), ...images], why: `save ${images.join(', ')} for ${name}`, optional: true },
    { tool: 'kind', args: ['load', 'image-archive', imageArchive(name), '--name', name], why, optional: true },
    ...saved,
  ];
}
