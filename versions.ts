/**
 * Every external version the harness uses, pinned in one place.
 * Bump here only; nothing else in the tree names a version.
 */
export const versions = {
  /** Lab node image: Debian release and the packages the lab's checks call. */
  lab: {
    debianSuite: 'bookworm',
    debianBaseImage: 'debian:bookworm-20250520-slim',
    packages: [
      'iproute2', 'iputils-ping', 'iputils-arping', 'procps', 'ethtool', 'tcpdump',
      'iptables', 'nftables', 'conntrack', 'bird2', 'frr', 'containernetworking-plugins',
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
  /** Helm 3 line (v3.21.4, 2026-08-13); Helm 4 (v4.2.4) takes the same install flags. */
  helm: 'v3.21.4',
  /** cilium-cli v0.19.7 is stable.txt in cilium/cilium-cli and supports Cilium 1.17 and newer. */
  cilium: { chart: '1.20.0', cli: 'v0.19.7' },
  calico: { release: 'v3.32.1', calicoctl: 'v3.32.1' },
  calicoVpp: { release: 'v3.32.0' },
  flannel: { release: 'v0.28.9', cniPlugin: 'v1.9.1-flannel3' },
  /** containernetworking/plugins: kind nodes lack `bridge`, which flannel delegates to. */
  cniPlugins: 'v1.9.1',
  /** Images of the harness's own test workloads (probe pods, rebel-base, x-wing): netshoot has curl, socat, iproute2. */
  testImages: { netshoot: 'nicolaka/netshoot:v0.16' },
  /** Toolbox image that carries kind, kubectl, helm, cilium and calicoctl when the host lacks them. */
  toolbox: { baseImage: 'debian:bookworm-20250520-slim' },
} as const;

export type Versions = typeof versions;
