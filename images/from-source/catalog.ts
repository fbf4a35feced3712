import { versions } from '../../versions.ts';
import { type GoRecipeId, goRecipes } from './recipes.ts';

const v = versions.fromSource;

/** A file an image carries: a binary of a Go recipe (or the pause build) and where it goes. */
export interface ImageFile {
  from: GoRecipeId | 'pause';
  binary: string;
  dest: string;
}

/** A minimal image holding a few binaries, named exactly as its consumer (kubeadm, a manifest) asks for it. */
export interface ComponentImage {
  name: string;
  files: ImageFile[];
  entrypoint: string[];
  /** 'static': a distroless-like tree (users, CA bundle, /tmp); 'iptables': Debian minbase with iptables and conntrack. */
  base: 'static' | 'iptables';
  user?: string;
}

const registry = 'registry.k8s.io';
const kube = (binary: string): ComponentImage => ({
  // kubeadm's static pod manifests run the bare command name (kubernetes cmd/kubeadm/app/phases/controlplane/manifests.go@v1.36.1),
  // found on PATH at /usr/local/bin as in upstream's images (kubernetes build/server-image/Dockerfile@v1.36.1).
  name: `${registry}/${binary}:${v.kubernetes.module}`,
  files: [{ from: 'kubernetes', binary, dest: `/usr/local/bin/${binary}` }],
  entrypoint: [`/usr/local/bin/${binary}`],
  base: binary === 'kube-proxy' ? 'iptables' : 'static',
});

/**
 * The control-plane images a kind node image carries: `kubeadm config images list --kubernetes-version v1.36.1`
 * (kubernetes cmd/kubeadm/app/images/images.go@v1.36.1 GetControlPlaneImages) with pause replaced by containerd's
 * sandbox_image (kind pkg/build/nodeimage/buildcontext.go@v0.32.0:207-231).
 */
export const controlPlaneImages: ComponentImage[] = [
  kube('kube-apiserver'), kube('kube-controller-manager'), kube('kube-scheduler'), kube('kube-proxy'),
  {
    // CoreDNS's Deployment passes only `-conf`, relying on the image's ENTRYPOINT (coredns Dockerfile@v1.14.2: /coredns).
    name: `${registry}/coredns/coredns:${v.coredns}`,
    files: [{ from: 'coredns', binary: 'coredns', dest: '/coredns' }], entrypoint: ['/coredns'], base: 'static',
  },
  {
    name: `${registry}/pause:${v.pauseTag}`,
    // kubernetes build/pause/Dockerfile@v1.36.1:18-20: /pause, USER 65535:65535.
    files: [{ from: 'pause', binary: 'pause', dest: '/pause' }], entrypoint: ['/pause'], base: 'static', user: '65535:65535',
  },
  {
    // kubeadm's etcd manifest runs `etcd` (cmd/kubeadm/app/phases/etcd/local.go@v1.36.1); etcd's image has the three tools in /usr/local/bin.
    name: `${registry}/etcd:${v.etcd.imageTag}`,
    files: ['etcd', 'etcdctl', 'etcdutl'].map((b) => ({ from: 'etcd' as const, binary: b, dest: `/usr/local/bin/${b}` })),
    entrypoint: ['/usr/local/bin/etcd'], base: 'static',
  },
];

/**
 * Images a CNI's manifest names (flannel Documentation/kube-flannel.yml@v0.28.9:136,147,160) that cannot be built here, with
 * the reason. Both come down to Go modules the proxy the project's machines reach does not serve (HTTP 403 "This module
 * version is not available", December 2026).
 */
export const unbuildable: Record<string, Record<string, string>> = {
  flannel: {
    [`ghcr.io/flannel-io/flannel-cni-plugin:${versions.flannel.cniPlugin}`]:
      'module github.com/flannel-io/cni-plugin: 403 for every version',
    [`ghcr.io/flannel-io/flannel:${versions.flannel.release}`]:
      'flanneld imports pkg/backend/tencentvpc (main.go@v0.28.9:56, no build tag leaves it out), which needs '
      + 'github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc@v1.3.149: 403, no version served',
  },
};

/** The kind node image we build; kind's own default is pinned by digest in versions.kind.nodeImage. */
export const nodeImageName = `docker.io/kindest/node:${v.kubernetes.module}`;

/** What each image set needs built; a kind profile needs the node image (which embeds the control-plane images). */
export const imageSets = {
  node: { recipes: ['kubernetes', 'containerd', 'runc', 'crictl', 'cniPlugins', 'etcd', 'coredns'] as GoRecipeId[] },
} as const;

/** Labels on every image built here, so nobody takes it for an upstream build. */
export function sourceLabels(modules: Record<string, string>): string[] {
  return [
    'io.cni-conformance.built-from-source=true',
    `io.cni-conformance.source-modules=${Object.entries(modules).map(([m, ver]) => `${m}@${ver}`).join(',')}`,
  ];
}

/** The modules (path@version) an image's files come from; pause comes from the kubernetes module's build/pause. */
export function modulesOf(files: ImageFile[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) {
    const recipe = goRecipes[f.from === 'pause' ? 'kubernetes' : f.from];
    out[recipe.module] = recipe.version;
  }
  return out;
}
