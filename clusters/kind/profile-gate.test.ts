import { describe, expect, it } from 'vitest';
import { versions } from '../../versions.ts';
import type { EngineCli } from '../engine.ts';
import { profileGates } from './global-setup.ts';
import { gatePlan, kindProfileUnavailable, planTools, profileImages, remoteInputs, type GateDeps } from './profile-gate.ts';
import { loadKindProfile } from './profiles.ts';

const flannel = loadKindProfile('flannel-vxlan');
const cilium = loadKindProfile('cilium-vxlan');
const flannelImages = [versions.testImages.netshoot, `ghcr.io/flannel-io/flannel-cni-plugin:${versions.flannel.cniPlugin}`, `ghcr.io/flannel-io/flannel:${versions.flannel.release}`];

/** A machine: what the engine holds, which addresses and registries answer, which tools are on PATH. */
function machine(held: string[], online: boolean, tools: string[]): GateDeps {
  const cli: EngineCli = async (args) => (held.includes(args.at(-1)!) ? { stdout: 'sha256:x', stderr: '', exitCode: 0 } : { stdout: '', stderr: 'image not known', exitCode: 125 });
  return {
    engine: 'docker',
    cli,
    serves: async (image) => (online ? undefined : `HEAD https://registry/${image}: ENOTFOUND`),
    reaches: async () => (online ? undefined : 'ENOTFOUND'),
    tools: async (wanted) => wanted.map((tool) => (tools.includes(tool) ? { tool, ok: true } : { tool, ok: false, problem: `${tool} not on PATH` })),
    hasLocalCopy: () => false,
    toolbox: async () => 'the toolbox drives docker, and kind runs on podman here',
    kernel: () => undefined,
  };
}

/** This project's machines: no loadable modules at all, vxlan built in, ipip absent (MACHINES.md). */
const noIpipKernel = { sysModules: ['vxlan', 'bridge'], builtin: ['vxlan', 'bridge', 'br_netfilter'], bridgeNetfilterSysctls: true };

describe('what one kind profile needs here', () => {
  it('reads the tools and addresses from the rendered plan: a flannel plan runs kind and kubectl and fetches its manifest and the CNI plugins', () => {
    const plan = gatePlan(flannel);
    expect(planTools(plan)).toEqual(['kind', 'kubectl']);
    expect(remoteInputs(plan)).toEqual([
      `https://github.com/containernetworking/plugins/releases/download/${versions.cniPlugins}/cni-plugins-linux-amd64-${versions.cniPlugins}.tgz`,
      `https://github.com/flannel-io/flannel/releases/download/${versions.flannel.release}/kube-flannel.yml`,
    ]);
    expect(planTools(gatePlan(cilium))).toEqual(['helm', 'kind', 'kubectl']);
    expect(planTools(gatePlan(loadKindProfile('cilium-clustermesh')))).toEqual(['cilium', 'helm', 'kind', 'kubectl']);
    expect(profileImages(flannel)).toEqual(flannelImages);
  });

  it('online with every tool: runs', async () => {
    expect(await kindProfileUnavailable(flannel, machine([], true, ['kind', 'kubectl']))).toBeUndefined();
  });

  it('offline: each missing input named, with how to get it', async () => {
    const why = await kindProfileUnavailable(flannel, machine([versions.testImages.netshoot], false, ['kind', 'kubectl']));
    expect(why).toMatch(/^flannel-vxlan cannot run here: its plan fetches https:\/\/github.com\/containernetworking\/plugins\/.*ENOTFOUND/);
    expect(why).toContain(`image ghcr.io/flannel-io/flannel:${versions.flannel.release} is not in docker and its registry does not serve it`);
    expect(why).toContain('build it with npm run images -- kind/flannel-vxlan');
    expect(why).not.toContain(versions.testImages.netshoot);
    expect(await kindProfileUnavailable(cilium, machine([], true, ['kind', 'kubectl']))).toBe('cilium-vxlan cannot run here: tools its plan runs are missing: helm not on PATH, and the toolbox drives docker, and kind runs on podman here (install them at the pinned versions from versions.ts)');
    // Where the toolbox can stand in (docker, its image or base image at hand), missing tools stop nothing.
    expect(await kindProfileUnavailable(cilium, { ...machine([], true, ['kind', 'kubectl']), toolbox: async () => undefined })).toBeUndefined();
  });

  it('a kernel without ipip stops kind/calico-ipip (its pool encapsulates every cross-node packet in IPIP), not kind/calico-vxlan', async () => {
    const here = { ...machine([], true, ['kind', 'kubectl', 'calicoctl']), kernel: () => noIpipKernel };
    expect(await kindProfileUnavailable(loadKindProfile('calico-ipip'), here))
      .toMatch(/^calico-ipip cannot run here: the host kernel lacks what its datapath needs \(kernel module ipip: not in this kernel \(this kernel has no loadable modules\); needed by Calico IPIP pools/);
    expect(await kindProfileUnavailable(loadKindProfile('calico-vxlan'), here)).toBeUndefined();
    expect(await kindProfileUnavailable(loadKindProfile('calico-vxlan'), { ...here, kernel: () => ({ ...noIpipKernel, sysModules: [], builtin: [] }) }))
      .toMatch(/kernel module vxlan: not in this kernel/);
  });

  it('offline with everything built here (npm run images): runs', async () => {
    const built = { ...machine(flannelImages, false, ['kind', 'kubectl']), hasLocalCopy: () => true };
    expect(await kindProfileUnavailable(flannel, built)).toBeUndefined();
  });

  it('the kind project skips only the profiles that cannot run, each with its own reason', async () => {
    const said: string[] = [];
    const reasons = await profileGates((l) => said.push(l), [flannel, cilium], async (p) => (p.name === 'cilium-vxlan' ? 'cilium-vxlan cannot run here: x' : undefined));
    expect(reasons).toEqual({ 'cilium-vxlan': 'cilium-vxlan cannot run here: x' });
    expect(said[0]).toMatch(/^kind on (docker|podman): runs flannel-vxlan; 1 skipped \(first: cilium-vxlan cannot run here: x\)$/);
  });
});
