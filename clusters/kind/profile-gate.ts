import { ciliumFromSourceAllowed, ciliumFromSourceOptIn, localChart, localCopy } from './local-copies.ts';
import { ciliumChartRepo } from './cni/cilium.ts';
import { versions } from '../../versions.ts';
import { readKernelFacts, type KernelFacts } from '../doctor/kernel-modules.ts';
import { engineCli, engineIsLocal, kindEngineName, type EngineCli, type EngineName } from '../engine.ts';
import { kernelStops } from './kernel-needs.ts';
import { toolboxTag } from './toolbox.ts';
import { pullProblem, type Serves } from './detect.ts';
import { cniImages, preloadImages } from './images.ts';
import { buildPlan } from './plan.ts';
import { hostTools, type ToolStatus } from './tools.ts';
import type { CliTool, KindProfile, Plan } from './types.ts';

/** Every image a profile's nodes need besides the node image: what the plan preloads and what its CNI pulls. */
export function profileImages(profile: KindProfile): string[] {
  return [...new Set(profile.clusters.flatMap((spec) => [...preloadImages(spec), ...cniImages(spec)]))];
}

/** Every https address a rendered plan fetches: kustomize resources, `-f`/`--repo` arguments, downloads. */
export function remoteInputs(plan: Plan): string[] {
  const found = new Set<string>(plan.downloads.map((d) => d.url));
  const texts = [...Object.values(plan.files), ...plan.commands.flatMap((c) => c.args)];
  for (const text of texts) for (const m of text.matchAll(/https:\/\/[^\s"'`]+/g)) found.add(m[0]);
  return [...found].sort();
}

/** The CLIs a rendered plan runs, besides the engine's own. */
export function planTools(plan: Plan): CliTool[] {
  return [...new Set(plan.commands.map((c) => c.tool))].filter((t): t is CliTool => t !== 'docker' && t !== 'podman').sort();
}

/** Undefined when an https address answers (any status below 400 after redirects), else why not. */
export type Reaches = (url: string) => Promise<string | undefined>;

export const reachesUrl: Reaches = async (url) => {
  try {
    const answer = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(15_000) });
    return answer.status < 400 ? undefined : `HTTP ${answer.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? (error as Error).message;
  }
};

/**
 * The plan rendered only to read its tools and addresses: calico-vpp's needs the kind network's gateway, which does not
 * change either, so a documentation address (RFC 5737) stands in and nothing is created.
 */
export function gatePlan(profile: KindProfile): Plan {
  return buildPlan(profile, { runId: 'gate', dir: '/gate', kindGateway: '192.0.2.1' });
}

export interface GateDeps {
  /** The engine kind runs on (engine-choice.ts), and its CLI. */
  engine: EngineName;
  cli: EngineCli;
  serves: Serves;
  reaches: Reaches;
  tools: (tools: readonly CliTool[]) => Promise<ToolStatus[]>;
  /** Whether `npm run images` left a local build of this address (local-copies.ts): the plan takes it instead. */
  hasLocalCopy: (url: string) => boolean;
  /**
   * Why the toolbox container cannot stand in for missing tools, or undefined when it can (provider.ts chooseRunner
   * takes it then): it drives the host's Docker, so only on docker, with its image present or its base image present or
   * served (detect.ts asks the same).
   */
  toolbox: () => Promise<string | undefined>;
  /** The host kernel's modules, where kind's nodes run on this host; undefined for a remote engine (not seen from here). */
  kernel: () => KernelFacts | undefined;
}

export const defaultGateDeps = (): GateDeps => ({
  engine: kindEngineName(), cli: engineCli(kindEngineName()), serves: pullProblem, reaches: reachesUrl, tools: hostTools,
  // The Cilium repository stands for its chart, which `npm run images` keeps as a folder (local-copies.ts localChart).
  hasLocalCopy: (url) => localCopy(url) !== undefined || (url === ciliumChartRepo && ciliumFromSourceAllowed() && localChart(url, 'cilium', versions.cilium.chart) !== undefined),
  toolbox: async () => {
    if (kindEngineName() !== 'docker') return `the toolbox drives docker, and kind runs on ${kindEngineName()} here`;
    const docker = engineCli('docker');
    const present = async (image: string) => (await docker(['image', 'inspect', '--format', '{{.Id}}', image], { timeout: 20_000 })).exitCode === 0;
    if ((await present(toolboxTag())) || (await present(versions.toolbox.baseImage))) return undefined;
    const why = await pullProblem(versions.toolbox.baseImage);
    return why ? `the toolbox cannot be built (base image ${versions.toolbox.baseImage}: ${why})` : undefined;
  },
  kernel: () => (engineIsLocal() ? readKernelFacts() : undefined),
});

/**
 * Why this profile cannot run here although kind can (detect.ts), or undefined: the host kernel lacks a module its
 * datapath needs (kernel-needs.ts), a tool its plan runs is not on the host
 * at its pinned version, an address its plan fetches does not answer, or an image its nodes need is neither in the engine
 * nor served by its registry. Each reason says how to get what is missing.
 */
export async function kindProfileUnavailable(profile: KindProfile, deps: GateDeps = defaultGateDeps(), plan: Plan = gatePlan(profile)): Promise<string | undefined> {
  const problems: string[] = [];
  const facts = deps.kernel();
  const kernel = facts ? kernelStops(profile, facts) : undefined;
  if (kernel) problems.push(`the host kernel lacks what its datapath needs (${kernel})`);
  const missing = (await deps.tools(planTools(plan))).filter((t) => !t.ok);
  const noToolbox = missing.length > 0 ? await deps.toolbox() : undefined;
  if (noToolbox) problems.push(`tools its plan runs are missing: ${missing.map((t) => t.problem ?? t.tool).join('; ')}, and ${noToolbox} (install them at the pinned versions from versions.ts)`);
  for (const url of remoteInputs(plan).filter((u) => !deps.hasLocalCopy(u))) {
    const why = await deps.reaches(url);
    const optIn = url === ciliumChartRepo && localChart(url, 'cilium', versions.cilium.chart) !== undefined && !ciliumFromSourceAllowed()
      ? `; npm run images built the chart and images from the cilium module: ${ciliumFromSourceOptIn}=1 installs from them` : '';
    if (why) problems.push(`its plan fetches ${url}, which does not answer here (${why})${optIn}`);
  }
  for (const image of profileImages(profile)) {
    if ((await deps.cli(['image', 'inspect', '--format', '{{.Id}}', image], { timeout: 20_000 })).exitCode === 0) continue;
    const why = await deps.serves(image);
    if (why) problems.push(`image ${image} is not in ${deps.engine} and its registry does not serve it (${why}); build it with npm run images -- kind/${profile.name}`);
  }
  return problems.length > 0 ? `${profile.name} cannot run here: ${problems.join('; ')}` : undefined;
}
