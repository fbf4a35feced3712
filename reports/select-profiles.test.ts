import { describe, expect, it } from 'vitest';
import { allProfiles, qualifiedName } from '../clusters/profiles/index.ts';
import { matrixEntry, selectProfiles, suiteFile } from './select-profiles.ts';

const names = (patterns: string[]) => selectProfiles(patterns).map(qualifiedName);

describe('selectProfiles', () => {
  it('selects every profile, lab first, when no pattern is given', () => {
    expect(names([])).toEqual(allProfiles().map(qualifiedName));
    expect(names([''])).toEqual(allProfiles().map(qualifiedName));
  });

  it('takes names, provider/names and globs, space or comma separated, keeping the project order', () => {
    expect(names(['fund-frr', 'calico-lab'])).toEqual(['lab/calico-lab', 'lab/fund-frr']);
    expect(names(['kind/calico-*'])).toEqual(allProfiles().filter((p) => p.provider === 'kind' && p.name.startsWith('calico-')).map(qualifiedName));
    expect(names(['calico-vxlan'])).toEqual(['lab/calico-vxlan', 'kind/calico-vxlan']);
    expect(names(['lab/fund-* kind/cilium-kpr,kind/cilium-kpr'])).toEqual(['lab/fund-vxlan', 'lab/fund-routers', 'lab/fund-frr', 'kind/cilium-kpr']);
    expect(names(['lab/*'])).toHaveLength(allProfiles().filter((p) => p.provider === 'lab').length);
  });

  it('refuses a pattern that matches nothing, listing every known name, and treats regexp characters literally', () => {
    expect(() => selectProfiles(['kind/nope', 'calico-lab'])).toThrow(/^profile "kind\/nope": matches no profile\nknown: lab\/calico-lab, /);
    expect(() => selectProfiles(['calico.lab'])).toThrow('profile "calico.lab": matches no profile');
  });

  it('refuses a pattern starting with "-" (the dispatch input is never an option), saying why', () => {
    expect(() => selectProfiles(['--provider=kind'])).toThrow(/^profile "--provider=kind": starts with "-": profiles are names or globs \(e\.g\. kind\/cilium-\*\), never options\nknown: /);
    expect(() => selectProfiles(['kind/cilium-kpr -x'])).toThrow('profile "-x": starts with "-"');
  });

  it("gives each matrix entry its suite file and an artifact-safe id", () => {
    const [entry] = selectProfiles(['kind/cilium-kpr']).map(matrixEntry);
    expect(entry).toEqual({ profile: 'kind/cilium-kpr', provider: 'kind', cni: 'cilium', file: 'suites/kind/cilium-kpr.kind.test.ts', id: 'kind-cilium-kpr', timeout: expect.any(Object) });
    expect(suiteFile(selectProfiles(['calico-lab'])[0]!)).toBe('suites/lab/calico-lab.lab.test.ts');
  });
});
