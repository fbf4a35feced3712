/**
 * Every external version the harness uses, pinned in one place.
 * Bump here only; nothing else in the tree names a version.
 */
export const versions = {
  /**
   * Lab node image: Debian release and the packages the lab's checks call. `bird` is BIRD 1.6.8, the release
   * Calico's BIRD forks; Debian's bird2 declares Conflicts: bird, and no fundamental uses BIRD 2 (FRR runs those).
   */
  lab: {
    debianSuite: 'bookworm',
    debianBaseImage: 'debian:bookworm-20250520-slim',
    packages: [
      'iproute2', 'iputils-ping', 'iputils-arping', 'procps', 'ethtool', 'tcpdump',
      'iptables', 'nftables', 'conntrack', 'bird', 'frr', 'containernetworking-plugins',
      'kmod', 'ca-certificates', 'jq', 'socat', 'curl',
    ],
  },
  /** kind and the Kubernetes node image it boots. */
  kind: {
    kind: 'v0.32.0',
    /** kind v0.32.0's default node image (pkg/apis/config/defaults/image.go at tag v0.32.0), pinned by digest. */
    nodeImage: 'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5',
    /** kubectl matching the node image's Kubernetes minor. */
    kubectl: 'v1.36.1',
  },
  /**
   * Images built from Go modules (plus Debian packages) where no registry serves them: `npm run images -- <profile>`.
   * Each pin names the upstream file it was read from.
   */
  fromSource: {
    /** Debian release of every built rootfs; bookworm's systemd 252 still boots on cgroup v1 (kind's base uses trixie). */
    debianSuite: 'bookworm',
    /** k8s.io/kubernetes; its staging modules (k8s.io/api, client-go, ...) are tagged v0.<minor>.<patch>. */
    kubernetes: { module: 'v1.36.1', staging: 'v0.36.1', commit: '756939600b9a7180fc2df6550a4585b638875e67' },
    /** kind images/base/Dockerfile@v0.32.0: CONTAINERD_VERSION, RUNC_VERSION, CRICTL_VERSION, CNI_PLUGINS_VERSION. */
    containerd: 'v2.3.1',
    runc: 'v1.4.2',
    crictl: 'v1.36.0',
    /** kubernetes cmd/kubeadm/app/constants/constants.go@v1.36.1: SupportedEtcdVersion[36] = "3.6.8-0". */
    etcd: { module: 'v3.6.8', imageTag: '3.6.8-0' },
    /** kubernetes cmd/kubeadm/app/constants/constants.go@v1.36.1: CoreDNSVersion. */
    coredns: 'v1.14.2',
    /** kind images/base/files/etc/containerd/config.toml@v0.32.0: sandbox_image, built from build/pause/linux/pause.c. */
    pauseTag: '3.10',
    /** flannel's two images, where ghcr.io does not answer (images/from-source/README.md says how they differ from upstream's). */
    flannel: {
      /**
       * flannel go.mod@v0.28.9 requires github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc v1.3.149, which the
       * Go module proxy refuses (403); v1.1.0 is served and builds. Only pkg/backend/tencentvpc imports it.
       */
      tencentVpc: 'v1.1.0',
      /**
       * github.com/flannel-io/cni-plugin is refused for every version (403). Its code began as
       * github.com/containernetworking/plugins plugins/meta/flannel, whose last release with it is v0.9.1.
       */
      cniPluginFrom: 'v0.9.1',
    },
  },
  /** Helm 3 line (v3.21.4, 2026-08-13); Helm 4 (v4.2.4) takes the same install flags. */
  helm: 'v3.21.4',
  /** cilium-cli v0.19.7 is stable.txt in cilium/cilium-cli and supports Cilium 1.17 and newer. */
  cilium: {
    chart: '1.20.0', cli: 'v0.19.7',
    /**
     * The github.com/cilium/cilium module at the chart's tag, for the agent and operator-generic images built from source
     * (images/from-source/cilium.md): tag v1.20.0 is commit 450c531, committed at this time (the proxy's .info).
     */
    module: { version: 'v1.20.0', commit: '450c53145dc0a872ae20dfb05598c94ef55a71e2', commitTime: '2026-07-29T13:02:52Z' },
    /**
     * go.mod@v1.20.0:79 requires github.com/osrg/gobgp/v4 v4.6.1-0.20260630022313-d6dee8360046, which the Go module proxy
     * refuses (403); v4.7.0 is served and is that commit plus five (BFD device bindings in pkg/server, CI, docs).
     */
    gobgp: 'v4.7.0',
    /** Debian's LLVM for the agent's runtime BPF compiles: images/runtime/Dockerfile@v1.20.0:9 copies clang and llc of cilium-llvm 19.1.7. */
    llvm: '19',
  },
  /**
   * Calico for the kind/calico-* profiles but calico-vpp, installed from its manifests (clusters/kind/cni/calico.ts). v3.31.0
   * is the newest release whose source the Go module proxy serves (December 2026; images/from-source/calico.md), so the
   * images can be built where no registry answers; its operator (v1.40.0) cannot be. The module path has no /v3, so the tag
   * is reached by pseudo-version: tag v3.31.0 is commit b1f3c43f8437, and its API module (api/, a nested module) is
   * published from projectcalico/api; vpp-dataplane go.mod@v3.31.0:18-19 names both versions.
   */
  calico: {
    release: 'v3.31.0', calicoctl: 'v3.31.0',
    module: 'v0.0.0-20251021213802-b1f3c43f8437',
    api: 'v0.0.0-20251022175904-f2ab03771208',
  },
  calicoVpp: {
    release: 'v3.32.0',
    /**
     * The Calico that calico-vpp v3.32.0 goes with, through the Tigera operator (calico-vpp-kind.yaml needs its
     * Installation): manifests/tigera-operator.yaml@v3.32.1:750 runs quay.io/tigera/operator:v1.42.3, whose
     * config/calico_versions.yml deploys v3.32.1. Tag v3.32.1's commit and commit time (UTC): images/from-source/calico-sources.ts
     * asks the Go module proxy for it.
     */
    calico: { release: 'v3.32.1', operator: 'v1.42.3', commit: '0ca9d1b93644778cafdf1812f3dda02ac0c361e8', commitTime: '2026-06-24T18:32:35Z' },
    /** The images calico-vpp-kind.yaml@v3.32.0 runs (checked against the upstream copy in tests), preloaded with kind load. */
    images: ['docker.io/calicovpp/agent:v3.32.0', 'docker.io/calicovpp/vpp:v3.32.0'],
  },
  flannel: { release: 'v0.28.9', cniPlugin: 'v1.9.1-flannel3' },
  /** containernetworking/plugins: kind nodes lack `bridge`, which flannel delegates to. */
  cniPlugins: 'v1.9.1',
  /** Images of the harness's own test workloads (probe pods, rebel-base, x-wing): netshoot has curl, socat, iproute2. */
  testImages: { netshoot: 'nicolaka/netshoot:v0.16' },
  /**
   * GitHub Actions of .github/workflows/nightly.yml, pinned by the full commit SHA of the release tag
   * (`git rev-parse <tag>^{commit}` in each action's repository); the workflow's unit test keeps the two in step.
   */
  actions: {
    'actions/checkout': { tag: 'v7.0.1', sha: '3d3c42e5aac5ba805825da76410c181273ba90b1' },
    'actions/setup-node': { tag: 'v7.0.0', sha: '820762786026740c76f36085b0efc47a31fe5020' },
    'actions/upload-artifact': { tag: 'v7.0.0', sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f' },
    'actions/download-artifact': { tag: 'v8.0.1', sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c' },
    'actions/cache/restore': { tag: 'v5.0.5', sha: '27d5ce7f107fe9357f9df03efb73ab90386fccae' },
    'actions/cache/save': { tag: 'v5.0.5', sha: '27d5ce7f107fe9357f9df03efb73ab90386fccae' },
    'actions/upload-pages-artifact': { tag: 'v5.0.0', sha: 'fc324d3547104276b827a68afc52ff2a11cc49c9' },
    'actions/deploy-pages': { tag: 'v5.0.0', sha: 'cd2ce8fcbc39b97be8ca5fce6e763baed58fa128' },
  },
  /** Node for the workflow's jobs (actions/setup-node node-version). */
  ciNode: '24',
  /** Toolbox image that carries kind, kubectl, helm, cilium and calicoctl when the host lacks them. */
  toolbox: {
    baseImage: 'debian:bookworm-20250520-slim',
    /**
     * Static docker CLI (download.docker.com/linux/static/stable/<x86_64|aarch64>/docker-<v>.tgz), replacing bookworm's
     * docker.io 20.10 (API 1.41): Docker Engine 29.0-29.3 refuse clients below API 1.44 (moby daemon/config/config.go
     * defaultMinAPIVersion "1.44" @docker-v29.0.0 .. docker-v29.3.x, "1.40" again @docker-v29.4.0). 29.7.2 speaks API 1.55
     * (MaxAPIVersion @docker-v29.7.2) and negotiates down to older engines (client MinAPIVersion "1.40").
     */
    dockerCli: '29.7.2',
  },
  /** The lowest Docker API version every pinned client speaks: the doctor flags engines whose minimum is above it. */
  dockerApi: { toolboxClient: '1.55' },
} as const;

export type Versions = typeof versions;
