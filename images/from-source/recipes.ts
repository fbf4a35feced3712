import { versions } from '../../versions.ts';

const v = versions.fromSource;

/** One Go binary: the main package and the name it is installed under. */
export interface GoBinary {
  out: string;
  pkg: string;
  /** Overrides the recipe's cgo setting for this binary. */
  cgo?: boolean;
}

/**
 * How to build one Go module's binaries at a pinned version. Builds run inside a wrapper module that requires
 * `module@version`, so replace directives of the upstream go.mod are ignored (cmd/go: "replace directives only
 * apply in the main module's go.mod").
 */
export interface GoRecipe {
  id: string;
  module: string;
  version: string;
  /** Sibling modules required at the same version (etcd's server, etcdctl and etcdutl). */
  alsoRequire?: string[];
  /** Replace every module the upstream go.mod replaces with a local path by that module at this version. */
  localReplacesAt?: string;
  /** Modules the build takes at another version than the upstream go.mod asks for (one the proxy does not serve). */
  versionReplaces?: Record<string, string>;
  /**
   * Modules the proxy serves at no version, written into the wrapper module (module path -> file name -> text) and
   * replaced by that folder: the few declarations the build needs, each citing the upstream file it repeats.
   */
  localModules?: Record<string, Record<string, string>>;
  binaries: GoBinary[];
  cgo: boolean;
  tags?: string[];
  /** Linker -X flags; `commit` is the module's VCS hash from the proxy's .info Origin. */
  ldflags: (commit: string) => string[];
}

const x = (variable: string, value: string) => `-X ${variable}=${value}`;

/** k8s.io/component-base version/base.go@v0.36.1:36-56 and k8s.io/client-go pkg/version/base.go hold the same variables. */
function kubernetesVersionFlags(commit: string): string[] {
  const [major, minor] = v.kubernetes.module.replace(/^v/, '').split('.');
  return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
    x(`${pkg}.gitVersion`, v.kubernetes.module), x(`${pkg}.gitMajor`, major!), x(`${pkg}.gitMinor`, minor!),
    x(`${pkg}.gitCommit`, commit), x(`${pkg}.gitTreeState`, 'clean'),
  ]);
}

export const kubernetesBinaries = [
  'kubeadm', 'kubelet', 'kubectl', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy',
] as const;

export const goRecipes = {
  /** kubernetes go.mod@v1.36.1 replaces k8s.io/* staging modules with ./staging/src/...; they are tagged v0.36.1. */
  kubernetes: {
    id: 'kubernetes', module: 'k8s.io/kubernetes', version: v.kubernetes.module, localReplacesAt: v.kubernetes.staging,
    binaries: kubernetesBinaries.map((b) => ({ out: b, pkg: `k8s.io/kubernetes/cmd/${b}` })),
    cgo: false, ldflags: kubernetesVersionFlags,
  },
  kind: {
    id: 'kind', module: 'sigs.k8s.io/kind', version: versions.kind.kind,
    binaries: [{ out: 'kind', pkg: 'sigs.k8s.io/kind' }], cgo: false, ldflags: () => [],
  },
  /**
   * helm for the kind/cilium-* installs. Makefile@v3.21.4:47-69 sets the version variables and the Kubernetes version
   * chartutil assumes without a cluster (`helm template`), from its k8s.io modules (go.mod@v3.21.4:40,45: v0.36.2);
   * without them it assumes v1.20.0 (pkg/chartutil/capabilities.go@v3.21.4:34-35) and Cilium's chart refuses it.
   */
  helm: {
    id: 'helm', module: 'helm.sh/helm/v3', version: versions.helm,
    binaries: [{ out: 'helm', pkg: 'helm.sh/helm/v3/cmd/helm' }], cgo: false,
    ldflags: (commit) => [
      x('helm.sh/helm/v3/internal/version.version', versions.helm), x('helm.sh/helm/v3/internal/version.gitCommit', commit),
      x('helm.sh/helm/v3/internal/version.gitTreeState', 'clean'),
      ...['pkg/lint/rules', 'pkg/chartutil'].flatMap((pkg) => [x(`helm.sh/helm/v3/${pkg}.k8sVersionMajor`, '1'), x(`helm.sh/helm/v3/${pkg}.k8sVersionMinor`, '36')]),
    ],
  },
  /**
   * kind images/base/Dockerfile@v0.32.0:127-140 builds ctr, containerd and the shim with these BUILDTAGS and CGO_ENABLED=1;
   * containerd Makefile@v2.3.1:38,105,275 sets version.Version/Revision and builds the shim with SHIM_CGO_ENABLED=0.
   */
  containerd: {
    id: 'containerd', module: 'github.com/containerd/containerd/v2', version: v.containerd,
    binaries: [
      { out: 'containerd', pkg: 'github.com/containerd/containerd/v2/cmd/containerd' },
      { out: 'ctr', pkg: 'github.com/containerd/containerd/v2/cmd/ctr' },
      { out: 'containerd-shim-runc-v2', pkg: 'github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2', cgo: false },
    ],
    cgo: true, tags: ['no_aufs', 'no_zfs', 'no_btrfs', 'no_devmapper'],
    ldflags: (commit) => [
      x('github.com/containerd/containerd/v2/version.Version', v.containerd),
      x('github.com/containerd/containerd/v2/version.Revision', commit),
    ],
  },
  /** runc Makefile@v1.4.2:15,20: BUILDTAGS "seccomp urfave_cli_no_docs" (cgo + libseccomp-dev), main.gitCommit. */
  runc: {
    id: 'runc', module: 'github.com/opencontainers/runc', version: v.runc,
    binaries: [{ out: 'runc', pkg: 'github.com/opencontainers/runc' }],
    cgo: true, tags: ['seccomp', 'urfave_cli_no_docs'], ldflags: (commit) => [x('main.gitCommit', commit)],
  },
  /** cri-tools Makefile@v1.36.0:40: pkg/version.Version. */
  crictl: {
    id: 'crictl', module: 'sigs.k8s.io/cri-tools', version: v.crictl,
    binaries: [{ out: 'crictl', pkg: 'sigs.k8s.io/cri-tools/cmd/crictl' }],
    cgo: false, ldflags: () => [x('sigs.k8s.io/cri-tools/pkg/version.Version', v.crictl)],
  },
  /**
   * kind images/base/Dockerfile@v0.32.0:173-189 ships host-local, loopback, ptp and portmap; bridge is added because
   * flannel's CNI plugin delegates to it (flannel-io/cni-plugin flannel_linux.go@v1.9.1-flannel1:41).
   */
  cniPlugins: {
    id: 'cni-plugins', module: 'github.com/containernetworking/plugins', version: versions.cniPlugins,
    binaries: ['ipam/host-local', 'main/loopback', 'main/ptp', 'main/bridge', 'meta/portmap'].map((p) => ({
      out: p.split('/')[1]!, pkg: `github.com/containernetworking/plugins/plugins/${p}`,
    })),
    cgo: false,
    ldflags: () => [x('github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion', versions.cniPlugins)],
  },
  /** etcd server/go.mod@v3.6.8 replaces its siblings with ../api etc.; server/, etcdctl/, etcdutl/ hold main.go. */
  etcd: {
    id: 'etcd', module: 'go.etcd.io/etcd/server/v3', version: v.etcd.module,
    alsoRequire: ['go.etcd.io/etcd/etcdctl/v3', 'go.etcd.io/etcd/etcdutl/v3'],
    binaries: [
      { out: 'etcd', pkg: 'go.etcd.io/etcd/server/v3' },
      { out: 'etcdctl', pkg: 'go.etcd.io/etcd/etcdctl/v3' },
      { out: 'etcdutl', pkg: 'go.etcd.io/etcd/etcdutl/v3' },
    ],
    cgo: false, ldflags: (commit) => [x('go.etcd.io/etcd/api/v3/version.GitSHA', commit.slice(0, 9))],
  },
  /** coredns Makefile@v1.14.2:13: coremain.GitCommit; the main package is the module root (coredns.go). */
  coredns: {
    id: 'coredns', module: 'github.com/coredns/coredns', version: v.coredns,
    binaries: [{ out: 'coredns', pkg: 'github.com/coredns/coredns' }],
    cgo: false, ldflags: (commit) => [x('github.com/coredns/coredns/coremain.GitCommit', commit.slice(0, 7))],
  },
  /**
   * flannel Makefile@v0.28.9:33-40,64-66 (CGO on amd64, pkg/version.Version=$(TAG), -extldflags "-static") and
   * images/Dockerfile@v0.28.9:30-32 (install-conf from ./cmd/install_conf with CGO_ENABLED=0). The tencentcloud vpc SDK
   * comes at versions.fromSource.flannel.tencentVpc: the version go.mod@v0.28.9:36 asks for is not served.
   */
  flannel: {
    id: 'flannel', module: 'github.com/flannel-io/flannel', version: versions.flannel.release,
    versionReplaces: { 'github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc': v.flannel.tencentVpc },
    binaries: [
      { out: 'flanneld', pkg: 'github.com/flannel-io/flannel' },
      { out: 'install-conf', pkg: 'github.com/flannel-io/flannel/cmd/install_conf', cgo: false },
    ],
    cgo: true,
    ldflags: () => [x('github.com/flannel-io/flannel/pkg/version.Version', versions.flannel.release), '-extldflags=-static'],
  },
  /**
   * Stand-in for github.com/flannel-io/cni-plugin (not served): plugins/meta/flannel of containernetworking/plugins at
   * versions.fromSource.flannel.cniPluginFrom, the code flannel-io/cni-plugin was split from. flannel-io/cni-plugin
   * scripts/build_flannel.sh@v1.9.1-flannel1 builds with tags netgo,osusergo and -extldflags "-static"; pure Go
   * (CGO_ENABLED=0) gives the same static binary. plugins v0.9.1 prints its version from pkg/utils/buildversion.
   */
  flannelCniPlugin: {
    id: 'flannel-cni-plugin', module: 'github.com/containernetworking/plugins', version: v.flannel.cniPluginFrom,
    binaries: [{ out: 'flannel', pkg: 'github.com/containernetworking/plugins/plugins/meta/flannel' }],
    cgo: false, tags: ['netgo', 'osusergo'],
    ldflags: () => [x('github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion', v.flannel.cniPluginFrom)],
  },
} as const satisfies Record<string, GoRecipe>;

export type GoRecipeId = keyof typeof goRecipes;

/** The wrapper module's go.mod: require the module (and siblings) at the pin, plus version replaces for local ones and unserved ones. */
export function wrapperGoMod(recipe: GoRecipe, localReplaces: string[]): string {
  const requires = [recipe.module, ...(recipe.alsoRequire ?? [])].map((m) => `\t${m} ${recipe.version}`);
  const replaces = [
    ...localReplaces.map((m) => `\t${m} => ${m} ${recipe.localReplacesAt}`),
    ...Object.entries(recipe.versionReplaces ?? {}).map(([m, version]) => `\t${m} => ${m} ${version}`),
    ...Object.keys(recipe.localModules ?? {}).map((m) => `\t${m} => ./${localModuleDir(m)}`),
  ];
  return [
    `module cni-conformance.local/from-source/${recipe.id}`, '', 'go 1.26.0', '',
    'require (', ...requires, ')', '',
    ...(replaces.length ? ['replace (', ...replaces, ')', ''] : []),
  ].join('\n');
}

/** Where a recipe's local module lives inside the wrapper module. */
export const localModuleDir = (module: string) => `local/${module}`;

/** Every replace directive of a go.mod, one-line or block form, comments stripped: `X [v] => Y [v]`. */
export function replaceLines(goMod: string): string[] {
  const lines: string[] = [];
  let inBlock = false;
  for (const raw of goMod.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (inBlock) {
      if (line === ')') inBlock = false;
      else if (line) lines.push(line);
    } else if (/^replace\s*\($/.test(line)) inBlock = true;
    else if (line.startsWith('replace ')) lines.push(line.slice('replace '.length).trim());
  }
  return lines;
}

/**
 * Module paths an upstream go.mod replaces with a local directory (`X => ./path`), in one-line or block form.
 * Throws on a replace line it does not understand rather than dropping it.
 */
export function parseLocalReplaces(goMod: string): string[] {
  const lines = replaceLines(goMod);
  return lines.flatMap((line) => {
    const m = /^(\S+)(?:\s+\S+)?\s+=>\s+(\S+)(?:\s+(\S+))?$/.exec(line);
    if (!m) throw new Error(`failed to parse go.mod replace line "${line}"`);
    const [, from, to, toVersion] = m;
    return /^\.\.?\//.test(to!) && !toVersion ? [from!] : [];
  });
}
