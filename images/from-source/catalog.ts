import { flannelImages } from '../../clusters/kind/cni/flannel.ts';
import { versions } from '../../versions.ts';
import { type GoRecipe, type GoRecipeId, goRecipes } from './recipes.ts';

const v = versions.fromSource;

/**
 * A file an image carries and where it goes: a binary of a Go recipe, the pause build, a file of the flannel module
 * (`binary` relative to its root) or a file of this folder.
 */
export interface ImageFile {
  from: GoRecipeId | 'pause' | 'flannelModule' | 'here';
  binary: string;
  dest: string;
}

/** A minimal image holding a few binaries, named exactly as its consumer (kubeadm, a manifest) asks for it. */
export interface ComponentImage {
  name: string;
  files: ImageFile[];
  entrypoint: string[];
  /**
   * 'static': a distroless-like tree (users, CA bundle, /tmp); 'iptables': Debian minbase with iptables and conntrack;
   * 'busybox': the static tree plus Debian's static busybox and its applets in /bin (what Alpine's shell tools are).
   */
  base: 'static' | 'iptables' | 'busybox';
  user?: string;
  cmd?: string[];
  /** Symbolic links to make, path -> target. */
  links?: Record<string, string>;
  /** How the image differs from the upstream image of the same name (a label and the README). */
  differs?: string;
}

const registry = 'registry.k8s.io';

/**
 * iptables-wrapper.sh over the six iptables commands (kubernetes-sigs/iptables-wrappers internal/iptables/alternatives.go@bfef9e5
 * LinkAll), so iptables follows the node's mode (the mode kubelet's KUBE-IPTABLES-HINT chain is in) instead of Debian's nft default.
 */
export const iptablesWrapper: Pick<ComponentImage, 'links'> & { file: ImageFile } = {
  file: { from: 'here', binary: 'iptables-wrapper.sh', dest: '/usr/sbin/iptables-wrapper' },
  links: Object.fromEntries(['iptables', 'iptables-save', 'iptables-restore', 'ip6tables', 'ip6tables-save', 'ip6tables-restore']
    .map((c) => [`/usr/sbin/${c}`, 'iptables-wrapper'])),
};

const kube = (binary: string): ComponentImage => ({
  // kubeadm's static pod manifests run the bare command name (kubernetes cmd/kubeadm/app/phases/controlplane/manifests.go@v1.36.1),
  // found on PATH at /usr/local/bin as in upstream's images (kubernetes build/server-image/Dockerfile@v1.36.1).
  name: `${registry}/${binary}:${v.kubernetes.module}`,
  files: [{ from: 'kubernetes', binary, dest: `/usr/local/bin/${binary}` }],
  entrypoint: [`/usr/local/bin/${binary}`],
  base: 'static',
});

/**
 * kube-proxy's upstream base is distroless-iptables (kubernetes build/common.sh@v1.36.1:80,88), which runs
 * iptables-wrapper-installer.sh (kubernetes/release images/build/distroless-iptables/distroless-trixie/Dockerfile@2e9f00f).
 */
const kubeProxy: ComponentImage = {
  ...kube('kube-proxy'),
  files: [...kube('kube-proxy').files, iptablesWrapper.file],
  base: 'iptables',
  links: iptablesWrapper.links,
};

/**
 * The control-plane images a kind node image carries: `kubeadm config images list --kubernetes-version v1.36.1`
 * (kubernetes cmd/kubeadm/app/images/images.go@v1.36.1 GetControlPlaneImages) with pause replaced by containerd's
 * sandbox_image (kind pkg/build/nodeimage/buildcontext.go@v0.32.0:207-231).
 */
export const controlPlaneImages: ComponentImage[] = [
  kube('kube-apiserver'), kube('kube-controller-manager'), kube('kube-scheduler'), kubeProxy,
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
 * flannel's images, under the names kube-flannel.yml gives them (flannelImages).
 * flannel images/Dockerfile@v0.28.9:43-56: Alpine with iproute2, ca-certificates, nftables, iptables(-legacy), strongswan
 * and wireguard-tools; /opt/bin/flanneld (the ENTRYPOINT), /opt/bin/install-conf, /opt/bin/mk-docker-opts.sh;
 * iptables-wrapper installed over the iptables commands.
 */
const flannelImage: ComponentImage = {
  name: flannelImages.flannel,
  files: [
    { from: 'flannel', binary: 'flanneld', dest: '/opt/bin/flanneld' },
    { from: 'flannel', binary: 'install-conf', dest: '/opt/bin/install-conf' },
    { from: 'flannelModule', binary: 'dist/mk-docker-opts.sh', dest: '/opt/bin/mk-docker-opts.sh' },
    iptablesWrapper.file,
  ],
  entrypoint: ['/opt/bin/flanneld'],
  base: 'iptables',
  links: iptablesWrapper.links,
  differs: `Debian ${v.debianSuite} instead of Alpine, without strongswan and wireguard-tools (ipsec and wireguard backends); `
    + `tencentcloud vpc SDK ${v.flannel.tencentVpc} instead of v1.3.149 (only the tencent-vpc backend uses it); `
    + 'iptables-wrapper is a shell script doing what kubernetes-sigs/iptables-wrappers@bfef9e5 does',
};

/**
 * flannel-io/cni-plugin Dockerfile.image@v1.9.1-flannel1: Alpine with /flannel; kube-flannel.yml's init container runs
 * `cp -f /flannel /opt/cni/bin/flannel` with the image's cp (Alpine's is busybox). The snapshot read has no
 * v1.9.1-flannel3 tag; -flannel1 to main change only go.mod, go.sum and the builder image.
 */
const flannelCniPluginImage: ComponentImage = {
  name: flannelImages.cniPlugin,
  files: [{ from: 'flannelCniPlugin', binary: 'flannel', dest: '/flannel' }],
  entrypoint: [],
  cmd: ['/bin/sh'],
  base: 'busybox',
  differs: `the flannel plugin of github.com/containernetworking/plugins@${v.flannel.cniPluginFrom} (plugins/meta/flannel), `
    + `not flannel-io/cni-plugin ${versions.flannel.cniPlugin}: CNI spec 0.1.0 to 0.4.0 (not 1.x), one FLANNEL_NETWORK per `
    + 'family (no comma list); Debian busybox-static instead of Alpine',
};

/** The images each CNI needs built where its registry does not answer. */
export const cniImages: Record<string, ComponentImage[]> = { flannel: [flannelImage, flannelCniPluginImage] };

/** The kind node image we build; kind's own default is pinned by digest in versions.kind.nodeImage. */
export const nodeImageName = `docker.io/kindest/node:${v.kubernetes.module}`;

/** What each image set needs built; a kind profile needs the node image (which embeds the control-plane images). */
export const imageSets = {
  node: { recipes: ['kubernetes', 'containerd', 'runc', 'crictl', 'cniPlugins', 'etcd', 'coredns'] as GoRecipeId[] },
  flannel: { recipes: ['flannel', 'flannelCniPlugin'] as GoRecipeId[] },
} as const;

/** Labels on every image built here, so nobody takes it for an upstream build. */
export function sourceLabels(modules: Record<string, string>, differs?: string): string[] {
  return [
    'io.cni-conformance.built-from-source=true',
    `io.cni-conformance.source-modules=${Object.entries(modules).map(([m, ver]) => `${m}@${ver}`).join(',')}`,
    ...(differs ? [`io.cni-conformance.differs-from-upstream=${JSON.stringify(differs)}`] : []),
  ];
}

/**
 * The modules (path@version) an image's files come from; pause comes from the kubernetes module's build/pause, a
 * module file from the flannel module; a recipe's version replaces are listed too.
 */
export function modulesOf(files: ImageFile[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) {
    if (f.from === 'here') continue;
    const recipe: GoRecipe = goRecipes[f.from === 'pause' ? 'kubernetes' : f.from === 'flannelModule' ? 'flannel' : f.from];
    out[recipe.module] = recipe.version;
    Object.assign(out, recipe.versionReplaces);
  }
  return out;
}
