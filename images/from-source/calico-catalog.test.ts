import { describe, expect, it } from 'vitest';
import { versions } from '../../versions.ts';
import { calicoProofs } from './calico-build.ts';
import { calicoBlockers, calicoModulesOf, calicoSourceImages, operatorImages, withoutKrtTunnel } from './calico-catalog.ts';
import { calicoRecipes, calicoWrapperGoMod, parseVersionReplaces, releaseModuleVersion, untaggedPseudoVersion } from './calico-recipes.ts';

const op = versions.calicoVpp.calico;
const src = versions.calico;

describe("the Calico release's images", () => {
  it('are the ones tigera-operator runs for a plain Installation, tagged with versions.ts', () => {
    // Names as GetReference builds them (operator pkg/components/references.go@v1.42.3) from pkg/components/calico.go@v1.42.3
    // (Image, Version v3.32.1) and images.go (quay.io/, calico/); the operator's own tag from tigera-operator.yaml@v3.32.1:750.
    expect(Object.keys(operatorImages).sort()).toEqual([
      `quay.io/calico/cni:${op.release}`, `quay.io/calico/csi:${op.release}`, `quay.io/calico/kube-controllers:${op.release}`,
      `quay.io/calico/node-driver-registrar:${op.release}`, `quay.io/calico/node:${op.release}`,
      `quay.io/calico/pod2daemon-flexvol:${op.release}`, `quay.io/calico/typha:${op.release}`, `quay.io/tigera/operator:${op.operator}`,
    ]);
  });

  it('each name the module version that blocks it', () => {
    expect(Object.keys(calicoBlockers).sort()).toEqual(Object.keys(operatorImages).sort());
    expect(calicoBlockers[`quay.io/calico/typha:${op.release}`]).toContain(`github.com/projectcalico/calico@${releaseModuleVersion}`);
    expect(calicoBlockers[`quay.io/tigera/operator:${op.operator}`]).toContain('github.com/tigera/operator/api');
    expect(calicoBlockers[`quay.io/calico/node-driver-registrar:${op.release}`]).toMatch(/^built from kubernetes-csi\/node-driver-registrar/);
  });
});

describe('the Calico images built from source', () => {
  it('are the images calico.yaml and calico-typha.yaml of versions.calico run', () => {
    // manifests/calico.yaml@v3.31.0:7057,7085 (cni), 7129,7155 (node), 7378 (kube-controllers); calico-typha.yaml@v3.31.0:7513.
    const manifestImages = ['quay.io/calico/cni:v3.31.0', 'quay.io/calico/node:v3.31.0', 'quay.io/calico/kube-controllers:v3.31.0',
      'quay.io/calico/typha:v3.31.0'];
    expect(calicoSourceImages.map((i) => i.name).sort()).toEqual(manifestImages.map((i) => i.replace(/:v3\.31\.0$/, `:${src.release}`)).sort());
  });

  it('come from the calico module, its API module and lib/std at the pins in versions.ts', () => {
    for (const recipe of Object.values(calicoRecipes)) {
      expect(recipe.version).toBe(src.module);
      expect(recipe.ldflags('abc')).toContain(`-X github.com/projectcalico/calico/pkg/buildinfo.Version=${src.release}`);
    }
    const node = calicoSourceImages.find((i) => i.name.startsWith('quay.io/calico/node:'))!;
    expect(calicoModulesOf(node)).toEqual({
      'github.com/projectcalico/calico': src.module,
      'github.com/projectcalico/api': src.api,
      'github.com/projectcalico/calico/lib/std': src.module,
    });
  });

  it('are each proved by a command run in them', () => {
    const proved = new Set(calicoProofs.map((p) => p.image));
    expect(calicoSourceImages.map((i) => i.name.replace(/^quay\.io\/calico\/|:.*$/g, '')).filter((i) => !proved.has(i))).toEqual([]);
  });

  it("strip krt_tunnel from the node image's bird_ipam template, which the proofs check", () => {
    const node = calicoSourceImages.find((i) => i.name.includes('/node:'))!;
    expect(node.edits).toEqual([{ file: '/etc/calico/confd/templates/bird_ipam.cfg.template', sed: withoutKrtTunnel }]);
    expect(calicoProofs.some((p) => p.mount?.module === 'confd/tests/compiled_templates/mesh')).toBe(true);
  });

  it('say how each differs from upstream', () => {
    for (const image of calicoSourceImages) expect(image.differs.length).toBeGreaterThan(10);
    expect(calicoSourceImages.find((i) => i.name.includes('/node:'))!.differs).toContain("Debian's bird 1.6.8");
  });
});

describe('pseudo-versions', () => {
  it('name a tagged commit of projectcalico/calico as downstream go.mod files do', () => {
    // vpp-dataplane go.mod@v3.31.0:19 requires github.com/projectcalico/calico v0.0.0-20251021213802-b1f3c43f8437 (v3.31.0):
    // tag v3.31.0 is commit b1f3c43f84370504e218eb5be8a34c81348f866a, committed 2025-10-21T14:38:02-07:00.
    expect(untaggedPseudoVersion(new Date('2025-10-21T14:38:02-07:00'), 'b1f3c43f84370504e218eb5be8a34c81348f866a')).toBe(src.module);
    expect(releaseModuleVersion).toBe(`v0.0.0-${op.commitTime.replace(/[-:TZ]/g, '')}-${op.commit.slice(0, 12)}`);
  });

  it('refuse a short commit hash', () => {
    expect(() => untaggedPseudoVersion(new Date(), 'b1f3c43f8437')).toThrow('"b1f3c43f8437" is no full commit hash');
  });
});

describe('parseVersionReplaces', () => {
  // Abridged from https://github.com/projectcalico/calico/blob/v3.31.0/go.mod (its replace block, from line 378).
  const goMod = `replace (
	github.com/projectcalico/api => ./api
	github.com/projectcalico/calico/lib/httpmachinery => ./lib/httpmachinery

	// Newer versions set the file mode on logs to 0600, which breaks a lot of our tests.
	gopkg.in/natefinch/lumberjack.v2 => gopkg.in/natefinch/lumberjack.v2 v2.0.0
	k8s.io/api => k8s.io/api v0.33.5
)
`;

  it('keeps the version replaces of calico go.mod and leaves its local ones out', () => {
    expect(parseVersionReplaces(goMod)).toEqual({ 'gopkg.in/natefinch/lumberjack.v2': 'v2.0.0', 'k8s.io/api': 'v0.33.5' });
  });

  it('names a line it cannot repeat instead of dropping it', () => {
    expect(() => parseVersionReplaces('replace a/b => c/d v1.0.0\n')).toThrow('points at another module');
    expect(() => parseVersionReplaces('replace (\n\tbroken\n)\n')).toThrow('failed to parse go.mod replace line "broken"');
  });

  it('go into the wrapper module with the nested modules swapped for published ones', () => {
    const wrapper = calicoWrapperGoMod(calicoRecipes.typha, parseVersionReplaces(goMod));
    expect(wrapper).toContain(`require github.com/projectcalico/calico ${src.module}\n`);
    expect(wrapper).toContain('\tk8s.io/api => k8s.io/api v0.33.5\n');
    expect(wrapper).toContain(`\tgithub.com/projectcalico/api => github.com/projectcalico/api ${src.api}\n`);
    expect(wrapper).not.toContain('./api');
  });
});
