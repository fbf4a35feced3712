import { versions } from '../../versions.ts';
import { clusterName } from './naming.ts';
import type { Command, KindClusterSpec } from './types.ts';

/**
 * Images pulled once on the host and loaded into every node with `kind load docker-image`, as kind's and Cilium's CI do,
 * instead of each node pulling anonymously from Docker Hub (rate limits). kind load saves the image from the host's
 * Docker and imports it on each node where that image ID is missing (pkg/cmd/kind/load/docker-image/docker-image.go@v0.32.0:
 * "not present locally" when the host lacks it, so the pull comes first; `docker-image <IMAGE> [IMAGE...]` takes several).
 * The pods must not re-pull: imagePullPolicy IfNotPresent (workloads.ts; calico-vpp-kind.yaml@v3.32.0 sets it for agent and vpp).
 */
export function preloadImages(spec: KindClusterSpec): string[] {
  const images: string[] = [versions.testImages.netshoot];
  if (spec.install.cni === 'calico' && spec.install.vpp) images.push(...versions.calicoVpp.images);
  return images;
}

/** `docker pull` of every image the plan preloads, once for all clusters. */
export function pullImageCommands(specs: readonly KindClusterSpec[]): Command[] {
  const images = [...new Set(specs.flatMap(preloadImages))];
  return images.map((image) => ({ tool: 'docker', args: ['pull', image], why: `pull ${image} once on the host`, retrySeconds: 120 }));
}

/**
 * `kind load docker-image` into one cluster, after it was created. Optional: a failed load leaves the images to the nodes'
 * own pulls (imagePullPolicy IfNotPresent). kind imports with `ctr images import --all-platforms`
 * (pkg/cluster/nodeutils/util.go@v0.32.0 LoadImageArchive), which fails with "content digest ... not found" when the
 * host's Docker uses the containerd image store (the default for fresh installs of Docker Engine 29) and saved a
 * multi-platform image of which only one platform was pulled (kubernetes-sigs/kind#3795, open; documented workaround in
 * kubernetes-sigs/kind#4247: `docker image save --platform` + `kind load image-archive`, needs Engine API 1.48).
 */
export function loadImageCommands(runId: string, spec: KindClusterSpec): Command[] {
  const name = clusterName(runId, spec.suffix);
  return [{
    tool: 'kind', args: ['load', 'docker-image', ...preloadImages(spec), '--name', name],
    why: `load ${preloadImages(spec).join(', ')} into ${name} (if this fails, the nodes pull them)`, optional: true,
  }];
}
