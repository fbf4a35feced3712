import { versions } from '../../versions.ts';
import { type CalicoRecipeId, calicoModule, calicoNestedReplaces, calicoRecipes, releaseModuleVersion } from './calico-recipes.ts';
import { calicoImage } from '../../clusters/kind/cni/calico.ts';

const op = versions.calicoVpp.calico;
const src = versions.calico;

/**
 * operator pkg/components/images.go@v1.42.3:18,30: Calico components default to registry "quay.io/" and path "calico/";
 * references.go GetReference joins them with the component's image and version (pkg/components/calico.go@v1.42.3).
 * calico manifests/calico.yaml@v3.31.0 names its images the same way (calicoImage, which the kind plan loads by).
 */
const quay = calicoImage;

/**
 * The images tigera-operator v1.42.3 runs for the harness's Installation (clusters/kind/cni/calico.ts installationResource:
 * Calico variant, no FIPS, plain Kubernetes, no APIServer, Goldmane or Whisker resource), with the operator file naming
 * each. Not run for it: apiserver and webhooks (apiserver_controller.go@v1.42.3:251-253 stop without an APIServer),
 * goldmane, whisker (their controllers stop without their resource), key-cert-provisioner (certificateManagement only).
 */
export const operatorImages: Record<string, string> = {
  [`quay.io/tigera/operator:${op.operator}`]: 'calico manifests/tigera-operator.yaml@v3.32.1:750',
  [quay('node', op.release)]: 'pkg/render/node.go@v1.42.3:198',
  [quay('cni', op.release)]: 'pkg/render/node.go@v1.42.3:197',
  // flexvol-driver init container while FlexVolumePath is not "None" (node.go:976), defaulted in core_controller.go:716-729.
  [quay('pod2daemon-flexvol', op.release)]: 'pkg/render/node.go@v1.42.3:192',
  [quay('typha', op.release)]: 'pkg/render/typha.go@v1.42.3:114',
  [quay('kube-controllers', op.release)]: 'pkg/render/kubecontrollers/kube-controllers.go@v1.42.3:245',
  // csi-node-driver DaemonSet while KubeletVolumePluginPath is not "None" (csi.go:419), defaulted in core_controller.go:732-733.
  [quay('csi', op.release)]: 'pkg/render/csi.go@v1.42.3:396',
  [quay('node-driver-registrar', op.release)]: 'pkg/render/csi.go@v1.42.3:401',
};

/**
 * Why the operator's images cannot be built on the project's machines, as the Go module proxy answered (December 2026,
 * HTTP 403 "This module version is not available"); `npm run images` asks again (calico-sources.ts).
 */
export const calicoBlockers: Record<string, string> = Object.fromEntries(Object.keys(operatorImages).map((image) => {
  const calico = `${calicoModule}@${releaseModuleVersion} (tag ${op.release}): 403 for .info, .mod and .zip, as for every `
    + `release tag after v3.31.0; ${src.release} (${src.module}) is served and built instead (calico-build.ts)`;
  const why = image.startsWith('quay.io/tigera/operator:')
    ? `github.com/tigera/operator@${op.operator} is served, but it imports github.com/tigera/operator/api, a nested module its `
      + 'go.mod replaces with ./api (not in the module zip): 403 for that tree (v0.0.0-20260626190659-40f3e3d35845); with the '
      + 'version its go.mod requires (v0.0.0-20260120220012-4a3f8a7d8399, served) the build fails: APIServerSpec has no '
      + 'CalicoWebhooksDeployment, GoldmaneSpec no MetricsPort, CalicoNetworkSpec no ClusterRoutingMode; pkg/render/istio '
      + `also embeds Istio charts its Makefile downloads (*.tgz, not in the module). ${src.release}'s operator, v1.40.0, has `
      + 'the same split: its api tree (v0.0.0-20251022031014-6cfee9bff62d) answers 403'
    : image.includes('/node-driver-registrar:')
      ? 'built from kubernetes-csi/node-driver-registrar@2d18e12b with the patches in calico pod2daemon/'
        + `node-driver-registrar-patches (pod2daemon Makefile@v3.32.1:86-90), which come with ${calico}`
      : calico;
  return [image, why];
}));

/** One image built here from the calico module at `versions.calico`. */
export interface CalicoImage {
  name: string;
  base: 'static' | 'node';
  files: { from: CalicoRecipeId; binary: string; dest: string }[];
  /** Directories of the calico module copied in: module path, image path, file mode. */
  trees?: { from: string; dest: string; mode: string }[];
  /** Single files of the calico module: module path, image path, mode (0644 unless given: the module zip keeps none). */
  moduleFiles?: { from: string; dest: string; mode?: string }[];
  /** Empty directories ("path/") or files made in the image, owner and mode. */
  dirs?: { path: string; owner: string; mode: string }[];
  links?: Record<string, string>;
  /** Paths of the base removed before anything is installed. */
  remove?: string[];
  /** sed expressions applied to a file of the image once everything is installed. */
  edits?: { file: string; sed: string[] }[];
  entrypoint?: string[];
  cmd?: string[];
  env?: Record<string, string>;
  user?: string;
  workdir?: string;
  /** How it differs from the upstream image of the same name (a label and calico.md). */
  differs: string;
}

/**
 * calico/node's Debian packages, for what node/Dockerfile.amd64@v3.31.0:52-82 installs on UBI 8: iptables (legacy and nft),
 * ipset, nftables, conntrack, iproute2 (with tc), kmod, procps, iputils, net-tools, which, findutils, runit (runsvdir,
 * sv, svlogd: built there from runit 2.1.2) and BIRD (copied there from calico/bird, Calico's fork of BIRD 1.6.8).
 */
export const calicoNodePackages = [
  'iptables', 'ipset', 'nftables', 'conntrack', 'iproute2', 'kmod', 'procps', 'iputils-ping', 'net-tools', 'debianutils',
  'findutils', 'runit', 'bird', 'ca-certificates',
];

/**
 * Debian's BIRD refuses `krt_tunnel` ("You may set only variables"), an attribute only Calico's fork has, and
 * confd/etc/calico/confd/templates/bird_ipam.cfg.template@v3.31.0:96-106 writes it for every pool that is not VXLAN, empty
 * when IPIP is off: every BGP node's config would fail. These delete the statements and the cross-subnet if/else around
 * them, which leaves the template's other decisions alone (accept, or reject for VXLAN) and only IPIP routes lose tunl0.
 */
export const withoutKrtTunnel = ['/krt_tunnel = /d', '/if defined(bgp_next_hop) && ( bgp_next_hop ~ .* ) then/d', '/^ *else *$/d'];

/**
 * The PATH BuildKit gives an image built FROM scratch (every upstream Calico image's last stage), which `podman import`
 * does not set (moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go@v0.32.2:799-800, util/system DefaultPathEnvUnix).
 */
const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The images manifests/calico.yaml@v3.31.0 runs (quay.io/calico/{cni,node,kube-controllers}:v3.31.0, lines 7057-7378) plus
 * typha (calico-typha.yaml@v3.31.0), laid out as their Dockerfiles lay them out.
 */
export const calicoSourceImages: CalicoImage[] = [
  {
    // cni-plugin/Dockerfile@v3.31.0:22,36,42 and Makefile (calico-ipam: `ln -sf ./calico`); calico.yaml runs
    // /opt/cni/bin/install and /opt/cni/bin/calico-ipam -upgrade.
    name: quay('cni', src.release), base: 'static',
    files: [
      { from: 'cni', binary: 'install', dest: '/opt/cni/bin/install' },
      { from: 'cni', binary: 'calico', dest: '/opt/cni/bin/calico' },
    ],
    links: { '/opt/cni/bin/calico-ipam': './calico' },
    env: { PATH: `/opt/cni/bin:${defaultPath}` },
    cmd: ['/opt/cni/bin/install'],
    differs: 'no LICENSE files; a static tree instead of calico/base (UBI)',
  },
  {
    // node/Dockerfile.amd64@v3.31.0:82-111 and node Makefile (confd conf.d and templates into filesystem/etc/calico/confd).
    name: quay('node', src.release), base: 'node',
    files: [
      { from: 'node', binary: 'calico-node', dest: '/bin/calico-node' },
      { from: 'node', binary: 'mountns', dest: '/bin/mountns' },
    ],
    trees: [
      { from: 'node/filesystem/etc', dest: '/etc', mode: '0755' },
      { from: 'node/filesystem/sbin', dest: '/usr/sbin', mode: '0755' },
      { from: 'confd/etc/calico/confd/conf.d', dest: '/etc/calico/confd/conf.d', mode: '0644' },
      { from: 'confd/etc/calico/confd/templates', dest: '/etc/calico/confd/templates', mode: '0644' },
    ],
    // node/pkg/health/health.go@v3.31.0:92,111 runs /bin/birdcl; Debian's bird ships birdc, the readline client, which
    // takes the same -s socket and command and prints the same "BIRD ..." reply.
    links: { '/bin/birdcl': '/usr/sbin/birdc', '/bin/birdcl6': '/usr/sbin/birdc6' },
    // Debian's runit links /etc/service to runit/runsvdir/current; calico's services live in a real /etc/service.
    remove: ['/etc/service'],
    edits: [{ file: '/etc/calico/confd/templates/bird_ipam.cfg.template', sed: withoutKrtTunnel }],
    // Without CGO, libbpf is a stub that panics (felix/bpf/libbpf/libbpf_stub.go@v3.31.0:33-53), and felix in iptables mode
    // still cleans up a BPF connect-time load balancer at start (felix/dataplane/linux/int_dataplane.go@v3.31.0:864
    // RemoveConnectTimeLoadBalancer, which opens a map object through libbpf): seen on the first real run, felix panicked
    // on every start. felix/bpf/nat/connecttime.go@v3.31.0:60 skips that clean-up when FELIX_DebugSkipCTLBCleanup=true, as
    // Calico's own FV tests set it (felix/fv/infrastructure/topology.go@v3.31.0:339); this image never loads BPF programs.
    env: { PATH: defaultPath, SVDIR: '/etc/service/enabled', FELIX_DebugSkipCTLBCleanup: 'true' },
    cmd: ['start_runit'],
    differs: `Debian ${versions.fromSource.debianSuite} instead of UBI 8; BIRD is Debian's bird 1.6.8, not Calico's fork, `
      + "with confd's bird_ipam template stripped of krt_tunnel, which it refuses (IPIP routes are not put on tunl0); birdcl "
      + 'is birdc; no bpftool and no BPF programs, and calico-node without CGO or libbpf (no eBPF dataplane; '
      + 'FELIX_DebugSkipCTLBCleanup=true, so felix skips the BPF clean-up that needs libbpf); runit and '
      + "iptables from Debian, not Calico's patched builds",
  },
  {
    // kube-controllers/Dockerfile@v3.31.0:19-23,35-37,53-55.
    name: quay('kube-controllers', src.release), base: 'static',
    files: [
      { from: 'kubeControllers', binary: 'kube-controllers', dest: '/usr/bin/kube-controllers' },
      { from: 'kubeControllers', binary: 'check-status', dest: '/usr/bin/check-status' },
      { from: 'kubeControllers', binary: 'wrapper', dest: '/usr/bin/wrapper' },
    ],
    dirs: [
      { path: '/status/status.json', owner: '999', mode: '0644' },
      { path: '/profiles/mem.pprof', owner: '999', mode: '0644' },
      { path: '/profiles/cpu.pprof', owner: '999', mode: '0644' },
    ],
    entrypoint: ['/usr/bin/wrapper', '/usr/bin/kube-controllers'], user: '999', env: { PATH: defaultPath },
    differs: 'no LICENSE files; a static tree instead of calico/base (UBI)',
  },
  {
    // typha/docker-image/Dockerfile@v3.31.0:23-24,40-42: /usr/bin/calico-typha, /etc/calico/typha.cfg, USER 999.
    name: quay('typha', src.release), base: 'static',
    files: [{ from: 'typha', binary: 'calico-typha', dest: '/usr/bin/calico-typha' }],
    moduleFiles: [{ from: 'typha/docker-image/typha.cfg', dest: '/etc/calico/typha.cfg' }],
    cmd: ['/usr/bin/calico-typha'], user: '999', env: { PATH: defaultPath },
    differs: 'no LICENSE files; a static tree instead of calico/base (UBI)',
  },
];

/** The module versions (path@version) an image's files come from, with the nested modules built in. */
export function calicoModulesOf(image: CalicoImage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of image.files) out[calicoRecipes[f.from].module] = calicoRecipes[f.from].version;
  return { ...out, ...(image.files.length ? calicoNestedReplaces : {}) };
}
