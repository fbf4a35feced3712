import { versions } from '../../versions.ts';
import type { GoBinary, GoRecipe } from './recipes.ts';

const c = versions.cilium;
export const ciliumModule = 'github.com/cilium/cilium';
const pkg = (path: string) => `${ciliumModule}/${path}`;

/**
 * Makefile.defs@v1.20.0:147,179: `ciliumVersion` is "$(VERSION) $(GIT_VERSION)", GIT_VERSION being `git show -s
 * --format='format:%h %aI'`; pkg/version/version.go@v1.20.0:46-52 reads no version at all from fewer than seven fields
 * (with " go version <go> <os/arch>" appended), so the revision and a date have to be there. The date is the commit time
 * in UTC (the proxy's .info), not the author time with its zone. requiredEnvoyVersionSHA is the tail of
 * images/cilium/Dockerfile@v1.20.0:11 CILIUM_ENVOY_IMAGE, as Makefile.defs:176-179 cuts it.
 */
function ciliumLdflags(commit: string): string[] {
  return [
    `-X "${pkg('pkg/version.ciliumVersion')}=${c.chart} ${commit.slice(0, 7)} ${c.module.commitTime}"`,
    `-X ${pkg('pkg/envoy.requiredEnvoyVersionSHA')}=7cffc778c923f68a77954a53b1a98d6b5353f004`,
  ];
}

/**
 * sigs.k8s.io/mcs-api/controllers is served at no version (404 for the list, 403 for v0.5.2, which go.mod@v1.20.0:138
 * requires). cilium imports it for one constant (operator/pkg/gateway-api/helpers/serviceimport.go@v1.20.0:10,26 and
 * pkg/clustermesh/mcsapi/service_controller.go@v1.20.0:23,134); kubernetes-sigs/mcs-api controllers/common.go@controllers/v0.5.0:35
 * holds it, unchanged at ded161a (2026-05-07).
 */
export const mcsApiControllers: Record<string, string> = {
  'go.mod': 'module sigs.k8s.io/mcs-api/controllers\n\ngo 1.23.0\n',
  'common.go': [
    '// Package controllers: the one declaration cilium v1.20.0 uses from sigs.k8s.io/mcs-api/controllers',
    '// (kubernetes-sigs/mcs-api controllers/common.go@controllers/v0.5.0:35); the module proxy serves no version of it.',
    'package controllers', '',
    '// DerivedServiceAnnotation is set on a ServiceImport to reference the derived Service.',
    'const DerivedServiceAnnotation = "multicluster.kubernetes.io/derived-service"', '',
  ].join('\n'),
};

const cilium = (id: string, binaries: GoBinary[], tags: string[]): GoRecipe => ({
  id, module: ciliumModule, version: c.module.version, binaries, cgo: false, tags, ldflags: ciliumLdflags,
  versionReplaces: { 'github.com/osrg/gobgp/v4': c.gobgp },
  localModules: { 'sigs.k8s.io/mcs-api/controllers': mcsApiControllers },
});

/**
 * Cilium's Go binaries at versions.cilium.module, CGO off (Makefile.defs@v1.20.0:205) with tag osusergo (:86). Replaces
 * in cilium's go.mod are not repeated: its only one, sigs.k8s.io/controller-tools (go.mod:283), is for a `tool` (controller-gen).
 */
export const ciliumRecipes = {
  /**
   * SUBDIRS_CILIUM_CONTAINER (Makefile@v1.20.0:23) each build one binary: daemon/Makefile (cilium-agent), cilium-dbg,
   * cilium-health and its responder/, bugtool (cilium-bugtool), tools/mount (cilium-mount), tools/sysctlfix
   * (cilium-sysctlfix), plugins/cilium-cni. Not built: hubble (the CLI) and tools/envoy-bootstrap-locality (Envoy only).
   */
  agent: cilium('cilium', [
    { out: 'cilium-agent', pkg: pkg('daemon') },
    { out: 'cilium-dbg', pkg: pkg('cilium-dbg') },
    { out: 'cilium-health', pkg: pkg('cilium-health') },
    { out: 'cilium-health-responder', pkg: pkg('cilium-health/responder') },
    { out: 'cilium-bugtool', pkg: pkg('bugtool') },
    { out: 'cilium-mount', pkg: pkg('tools/mount') },
    { out: 'cilium-sysctlfix', pkg: pkg('tools/sysctlfix') },
    { out: 'cilium-cni', pkg: pkg('plugins/cilium-cni') },
  ], ['osusergo']),
  /** operator/Makefile@v1.20.0: cilium-operator-generic is ./operator with GO_TAGS_FLAGS+=ipam_provider_operator. */
  operatorGeneric: cilium('cilium-operator-generic', [{ out: 'cilium-operator-generic', pkg: pkg('operator') }],
    ['osusergo', 'ipam_provider_operator']),
} as const satisfies Record<string, GoRecipe>;

export type CiliumRecipeId = keyof typeof ciliumRecipes;
