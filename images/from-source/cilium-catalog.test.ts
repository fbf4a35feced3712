import { describe, expect, it } from 'vitest';
import { versions } from '../../versions.ts';
import { ciliumProofs } from './cilium-build.ts';
import { ciliumAgentImage, ciliumModulesOf, ciliumOperatorImage, ciliumSourceImages } from './cilium-catalog.ts';
import { ciliumRecipes, mcsApiControllers } from './cilium-recipes.ts';
import { wrapperGoMod } from './recipes.ts';

const c = versions.cilium;

describe('the Cilium images built from source', () => {
  it('are named as the chart names them with useDigest=false, at the chart version', () => {
    // values.yaml@v1.20.0: image quay.io/cilium/cilium, operator.image quay.io/cilium/operator with suffix -generic.
    expect(c.module.version).toBe(`v${c.chart}`);
    expect([ciliumAgentImage, ciliumOperatorImage]).toEqual(['quay.io/cilium/cilium:v1.20.0', 'quay.io/cilium/operator-generic:v1.20.0']
      .map((i) => i.replace('v1.20.0', c.module.version)));
    expect(ciliumSourceImages.map((i) => i.name)).toEqual([ciliumAgentImage, ciliumOperatorImage]);
  });

  it('carry the commands the chart runs in them', () => {
    // templates/cilium-agent/daemonset.yaml@v1.20.0: cilium-agent, cilium (probes), cilium-dbg, /cni-uninstall.sh,
    // cilium-mount, cilium-sysctlfix, /init-container.sh, /install-plugin.sh; cilium-operator/deployment.yaml:85.
    const agent = ciliumSourceImages[0]!;
    const paths = [...agent.files.map((f) => f.dest), ...(agent.moduleFiles ?? []).map((f) => f.dest), ...Object.keys(agent.links ?? {})];
    for (const p of ['/usr/bin/cilium-agent', '/usr/bin/cilium', '/usr/bin/cilium-dbg', '/usr/bin/cilium-mount', '/usr/bin/cilium-sysctlfix',
      '/opt/cni/bin/cilium-cni', '/cni/loopback', '/init-container.sh', '/install-plugin.sh', '/cni-uninstall.sh', '/usr/local/bin/clang']) {
      expect(paths).toContain(p);
    }
    expect(agent.trees).toEqual([{ from: 'bpf', dest: '/var/lib/cilium/bpf', mode: '0644' }]);
    expect(ciliumSourceImages[1]!.files.map((f) => f.dest)).toEqual(['/usr/bin/cilium-operator-generic']);
  });

  it('build the operator with the generic IPAM tag only', () => {
    expect(ciliumRecipes.operatorGeneric.tags).toEqual(['osusergo', 'ipam_provider_operator']);
    expect(ciliumRecipes.agent.tags).toEqual(['osusergo']);
  });

  it('report a version pkg/version can parse (seven fields once " go version <go> <os/arch>" is appended)', () => {
    const flag = ciliumRecipes.agent.ldflags(c.module.commit)[0]!;
    const value = /ciliumVersion=([^"]+)"/.exec(flag)![1]!;
    expect(value).toBe(`${c.chart} 450c531 ${c.module.commitTime}`);
    expect(`${value} go version go1.26.8 linux/amd64`.split(' ')).toHaveLength(7);
  });

  it('swap the two modules the proxy does not serve, and say so', () => {
    const goMod = wrapperGoMod(ciliumRecipes.agent, []);
    expect(goMod).toContain(`\tgithub.com/osrg/gobgp/v4 => github.com/osrg/gobgp/v4 ${c.gobgp}\n`);
    expect(goMod).toContain('\tsigs.k8s.io/mcs-api/controllers => ./local/sigs.k8s.io/mcs-api/controllers\n');
    expect(mcsApiControllers['go.mod']).toMatch(/^module sigs\.k8s\.io\/mcs-api\/controllers\n/);
    expect(ciliumModulesOf(ciliumSourceImages[0]!)).toMatchObject({ 'github.com/cilium/cilium': c.module.version, 'github.com/osrg/gobgp/v4': c.gobgp });
    for (const image of ciliumSourceImages) expect(image.differs).toContain('gobgp/v4');
  });

  it('are each proved by a command run in them', () => {
    expect(new Set(ciliumProofs.map((p) => p.image))).toEqual(new Set(ciliumSourceImages.map((i) => i.base)));
  });
});
