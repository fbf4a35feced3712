import { versions } from '../../versions.ts';
import type { ImageLayout } from './calico-build.ts';
import { iptablesWrapper } from './catalog.ts';
import { type CiliumRecipeId, ciliumRecipes } from './cilium-recipes.ts';
import { goRecipes } from './recipes.ts';

const c = versions.cilium;
const llvm = c.llvm;

/**
 * The chart's image names with `image.useDigest=false` and `operator.image.useDigest=false`: values.yaml@v1.20.0 image
 * (quay.io/cilium/cilium, tag v1.20.0) and operator.image (quay.io/cilium/operator + suffix "-generic" for
 * cilium.operator.cloud "generic", templates/cilium-operator/_helpers.tpl@v1.20.0).
 */
export const ciliumAgentImage = `quay.io/cilium/cilium:${c.module.version}`;
export const ciliumOperatorImage = `quay.io/cilium/operator-generic:${c.module.version}`;

/** Where an image file comes from: a cilium recipe, the CNI plugins recipe (loopback), this folder. */
export type CiliumFileSource = CiliumRecipeId | 'cniPlugins' | 'here';

export interface CiliumImage extends Omit<ImageLayout, 'files'> {
  name: string;
  /** 'agent': Debian minbase with ciliumAgentPackages; 'static': calico-image.sh's distroless-like tree. */
  base: 'agent' | 'static';
  files: { from: CiliumFileSource; binary: string; dest: string }[];
  differs: string;
}

/**
 * The agent image's Debian packages, for what cilium-runtime installs on Ubuntu 26.04 (images/runtime/Dockerfile@v1.20.0):
 * jq (:47), install-runtime-deps.sh@v1.20.0 (bash-completion, iproute2, iptables, ipset, kmod, ca-certificates,
 * libatomic1), clang and llc from cilium-llvm 19.1.7 (:9, :67) as Debian's clang-19 and llvm-19 (19.1.7 too), bpftool
 * from cilium-bpftool 7.7.0 (:10, :68) as Debian's bpftool (7.1.0). iptables 1.8.8 comes from Debian, not cilium/iptables (:11, :57).
 */
export const ciliumAgentPackages = [
  'jq', 'bash-completion', 'iproute2', 'iptables', 'ipset', 'kmod', 'ca-certificates', 'libatomic1',
  `clang-${llvm}`, `llvm-${llvm}`, 'bpftool',
];

/**
 * The bpf/ files Makefile@v1.20.0:182-185 (install-bpf) copies to /var/lib/cilium/bpf: all of bpf/ but
 * BPF_SRCFILES_IGNORE (Makefile.defs@v1.20.0:185-192). The agent compiles its datapath from them at run time
 * (pkg/datapath/loader/compile.go@v1.20.0:36: "clang").
 */
export const bpfIgnored = ['.gitignore', 'tests', 'complexity-tests', 'custom', 'Makefile', 'Makefile.bpf'];

/** The PATH BuildKit gives a FROM scratch image (calico-catalog.ts defaultPath); upstream's last stages are FROM scratch or keep it. */
const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const bin = (from: CiliumRecipeId, binary: string, dir = '/usr/bin') => ({ from, binary, dest: `${dir}/${binary}` });

export const ciliumSourceImages: CiliumImage[] = [
  {
    // images/cilium/Dockerfile@v1.20.0: `make build-container install-container-binary` (SUBDIRS_CILIUM_CONTAINER to
    // /usr/bin, cilium-cni to /opt/cni/bin, bpf/ to /var/lib/cilium/bpf), init-container.sh, install-plugin.sh and
    // cni-uninstall.sh in /, HUBBLE_SERVER, WORKDIR /home/cilium, INITSYSTEM, CMD cilium-dbg; cilium-runtime's
    // build-cni.sh@v1.20.0 adds /cni/loopback (plugins v1.9.1), which install-plugin.sh copies when the node has none.
    name: ciliumAgentImage, base: 'agent',
    files: [
      ...['cilium-agent', 'cilium-dbg', 'cilium-health', 'cilium-health-responder', 'cilium-bugtool', 'cilium-mount',
        'cilium-sysctlfix'].map((b) => bin('agent', b)),
      bin('agent', 'cilium-cni', '/opt/cni/bin'),
      { from: 'cniPlugins', binary: 'loopback', dest: '/cni/loopback' },
      { ...iptablesWrapper.file, from: 'here' },
    ],
    // The chart runs these three as commands; git has them 0755, which the module zip drops.
    moduleFiles: ['images/cilium/init-container.sh', 'plugins/cilium-cni/install-plugin.sh', 'plugins/cilium-cni/cni-uninstall.sh']
      .map((from) => ({ from, dest: `/${from.slice(from.lastIndexOf('/') + 1)}`, mode: '0755' })),
    trees: [{ from: 'bpf', dest: '/var/lib/cilium/bpf', mode: '0644' }],
    // Makefile@v1.20.0:183 (install-bpf): /var/lib/cilium is 0750.
    dirs: [{ path: '/home/cilium/', owner: '0', mode: '0755' }, { path: '/var/lib/cilium/', owner: '0', mode: '0750' }],
    links: {
      // cilium-dbg/Makefile@v1.20.0 install-binary: `ln -frs cilium-dbg cilium`; the chart's probes run `cilium`.
      '/usr/bin/cilium': 'cilium-dbg',
      '/usr/local/bin/clang': `/usr/bin/clang-${llvm}`,
      '/usr/local/bin/llc': `/usr/bin/llc-${llvm}`,
      '/usr/local/bin/bpftool': '/usr/sbin/bpftool',
      // images/runtime/Dockerfile@v1.20.0:64 `iptables-wrapper install` (kubernetes-sigs/iptables-wrappers v3).
      ...iptablesWrapper.links,
    },
    // images/cilium/Dockerfile@v1.20.0:103 sources bash completion in every bash.
    edits: [{ file: '/etc/bash.bashrc', sed: ['$a . /etc/profile.d/bash_completion.sh'] }],
    env: { PATH: defaultPath, HUBBLE_SERVER: 'unix:///var/run/cilium/hubble.sock', INITSYSTEM: 'SYSTEMD' },
    cmd: ['/usr/bin/cilium-dbg'], workdir: '/home/cilium',
    differs: `Debian ${versions.fromSource.debianSuite} instead of Ubuntu 26.04; clang and llc are Debian's clang-${llvm} and `
      + `llvm-${llvm} (19.1.7, as cilium-llvm), bpftool is Debian's 7.1.0 (not 7.7.0), iptables Debian's 1.8.9 with the `
      + "project's iptables-wrapper.sh; no Envoy (cilium-envoy, cilium-envoy-starter: install with l7Proxy=false), no hubble "
      + 'CLI, gops, cilium-envoy-bootstrap-locality, bash completion files or LICENSE.all; gobgp/v4 v4.7.0 instead of '
      + 'v4.6.1-0.20260630022313-d6dee8360046 and a one-constant sigs.k8s.io/mcs-api/controllers (neither served)',
  },
  {
    // images/operator/Dockerfile@v1.20.0 (OPERATOR_VARIANT=operator-generic): FROM scratch with the CA bundle,
    // /usr/bin/cilium-operator-generic, /home/gops (0777), GOPS_CONFIG_DIR, WORKDIR /; the chart runs
    // `cilium-operator-generic` (templates/cilium-operator/deployment.yaml@v1.20.0:84-85).
    name: ciliumOperatorImage, base: 'static',
    files: [bin('operatorGeneric', 'cilium-operator-generic')],
    dirs: [{ path: '/home/gops/', owner: '0', mode: '0777' }],
    env: { PATH: defaultPath, GOPS_CONFIG_DIR: '/home/gops' }, workdir: '/',
    differs: 'no gops and no LICENSE.all; gobgp/v4 v4.7.0 instead of v4.6.1-0.20260630022313-d6dee8360046 and a '
      + 'one-constant sigs.k8s.io/mcs-api/controllers (neither served)',
  },
];

/** The module versions (path@version) an image's files come from, with the replaced ones. */
export function ciliumModulesOf(image: CiliumImage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of image.files) {
    if (f.from === 'here') continue;
    const recipe = f.from === 'cniPlugins' ? goRecipes.cniPlugins : ciliumRecipes[f.from];
    out[recipe.module] = recipe.version;
    Object.assign(out, 'versionReplaces' in recipe ? recipe.versionReplaces : {});
  }
  return out;
}
