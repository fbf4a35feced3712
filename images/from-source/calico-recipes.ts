import { versions } from '../../versions.ts';
import { replaceLines, type GoRecipe } from './recipes.ts';

const op = versions.calicoVpp.calico;
const src = versions.calico;
const x = (variable: string, value: string) => `-X ${variable}=${value}`;

/** Go's pseudo-version for a commit with no semver base: `v0.0.0-<UTC yyyymmddhhmmss>-<12 hex>` (cmd/go pseudo.go). */
export function untaggedPseudoVersion(commitTime: Date, commit: string): string {
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error(`failed to make a pseudo-version: "${commit}" is no full commit hash`);
  return `v0.0.0-${commitTime.toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${commit.slice(0, 12)}`;
}

/** The calico module version of tag `versions.calico.release` (not served in December 2026: calico-sources.ts asks). */
export const releaseModuleVersion = untaggedPseudoVersion(new Date(op.commitTime), op.commit);

export const calicoModule = 'github.com/projectcalico/calico';

/**
 * The nested modules calico go.mod@v3.31.0:379-381 replaces with local directories, which a module zip leaves out, by the
 * versions holding the same trees: projectcalico/api at `versions.calico.api` (its Go files equal calico's api/ at the tag) and
 * lib/std at the tag's own commit. lib/httpmachinery is left alone: only whisker-backend imports it.
 */
export const calicoNestedReplaces: Record<string, string> = {
  'github.com/projectcalico/api': src.api,
  'github.com/projectcalico/calico/lib/std': src.module,
};

/**
 * The `X => X version` replaces of an upstream go.mod (calico pins every k8s.io staging module this way), which a wrapper
 * module must repeat: replaces apply only in the main module. Local (`=> ./dir`) replaces are left out; a replace line
 * it cannot read throws rather than being dropped.
 */
export function parseVersionReplaces(goMod: string): Record<string, string> {
  const lines = replaceLines(goMod);
  const out: Record<string, string> = {};
  for (const line of lines) {
    const m = /^(\S+)(?:\s+\S+)?\s+=>\s+(\S+)(?:\s+(\S+))?$/.exec(line);
    if (!m) throw new Error(`failed to parse go.mod replace line "${line}"`);
    const [, from, to, version] = m;
    if (/^\.\.?\//.test(to!)) continue;
    if (to !== from || !version) throw new Error(`go.mod replace line "${line}" points at another module; not repeated`);
    out[from!] = version;
  }
  return out;
}

/** The wrapper module a Calico recipe builds in. */
export function calicoWrapperGoMod(recipe: GoRecipe, upstreamReplaces: Record<string, string>): string {
  const replaces = { ...upstreamReplaces, ...calicoNestedReplaces };
  return [
    `module cni-conformance.local/from-source/${recipe.id}`, '', 'go 1.26.0', '',
    `require ${recipe.module} ${recipe.version}`, '',
    'replace (', ...Object.entries(replaces).map(([m, v]) => `\t${m} => ${m} ${v}`), ')', '',
  ].join('\n');
}

/** calico lib.Makefile@v3.31.0:231-233 LDFLAGS: the buildinfo variables every Calico binary reports. */
function calicoBuildInfo(commit: string): string[] {
  return [
    x('github.com/projectcalico/calico/pkg/buildinfo.Version', src.release),
    x('github.com/projectcalico/calico/pkg/buildinfo.GitRevision', commit),
  ];
}

const calico = (id: string, binaries: GoRecipe['binaries']): GoRecipe => ({
  id, module: calicoModule, version: src.module, binaries, cgo: false, ldflags: calicoBuildInfo,
});
const pkg = (path: string) => `${calicoModule}/${path}`;

/**
 * Calico's Go binaries at `versions.calico`. CGO stays off throughout: node Makefile@v3.31.0:208-227 builds
 * calico-node with CGO and felix's own libbpf on amd64/arm64 only (for the eBPF dataplane) and without CGO elsewhere
 * (ppc64le, s390x), which is the build used here.
 */
export const calicoRecipes = {
  /** node Makefile@v3.31.0: ./cmd/calico-node (felix, confd, the node services in one binary) and ./cmd/mountns. */
  node: calico('calico-node', [
    { out: 'calico-node', pkg: pkg('node/cmd/calico-node') },
    { out: 'mountns', pkg: pkg('node/cmd/mountns') },
  ]),
  /** cni-plugin Makefile@v3.31.0: cmd/install and cmd/calico (calico-ipam is the same binary under another name). */
  cni: calico('calico-cni', [
    { out: 'install', pkg: pkg('cni-plugin/cmd/install') },
    { out: 'calico', pkg: pkg('cni-plugin/cmd/calico') },
  ]),
  /** kube-controllers Makefile@v3.31.0: cmd/kube-controllers, cmd/check-status, cmd/wrapper. */
  kubeControllers: calico('calico-kube-controllers', [
    { out: 'kube-controllers', pkg: pkg('kube-controllers/cmd/kube-controllers') },
    { out: 'check-status', pkg: pkg('kube-controllers/cmd/check-status') },
    { out: 'wrapper', pkg: pkg('kube-controllers/cmd/wrapper') },
  ]),
  /** typha Makefile@v3.31.0: cmd/calico-typha. */
  typha: calico('calico-typha', [{ out: 'calico-typha', pkg: pkg('typha/cmd/calico-typha') }]),
  /**
   * calicoctl Makefile@v3.31.0:64 (./calicoctl/calicoctl.go): the host tool the harness applies pools with, in no image;
   * `calicoctl version` prints buildinfo.Version (calicoctl/calicoctl/commands/version.go@v3.31.0:85).
   */
  calicoctl: calico('calicoctl', [{ out: 'calicoctl', pkg: pkg('calicoctl/calicoctl') }]),
} as const satisfies Record<string, GoRecipe>;

export type CalicoRecipeId = keyof typeof calicoRecipes;
