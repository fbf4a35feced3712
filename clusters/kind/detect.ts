import { versions } from '../../versions.ts';
import { engineCli, type EngineCli, type EngineName } from '../engine.ts';
import { chooseKindEngine, nodeImageIn, type EngineChoice } from './engine-choice.ts';
import { registryServes, type Fetch } from './registry.ts';
import { toolboxTag } from './toolbox.ts';
import { hostTools, type ToolStatus } from './tools.ts';

/** How long a registry may take to answer a manifest request before kind is called unavailable. */
export const REGISTRY_TIMEOUT_MS = 20_000;

/** What kind needs here, each with how to get it; [] means kind can run. */
export function kindPrerequisiteProblems(facts: {
  /** The engine kind runs on (engine-choice.ts); docker when omitted. */
  engine?: EngineName;
  dockerInfo: { exitCode: number; stderr: string };
  nodeImagePresent: boolean;
  nodeImagePullable: boolean;
  /** Why the node image is not pullable (the registry's answer), when known. */
  nodeImagePullError?: string;
  toolsMissing: string[];
  toolboxBuildable: boolean;
  toolboxPullError?: string;
}): string[] {
  const problems: string[] = [];
  const engine = facts.engine ?? 'docker';
  if (facts.dockerInfo.exitCode !== 0) {
    problems.push(`${engine} is not reachable (${facts.dockerInfo.stderr.trim().split('\n')[0] ?? ''}); ${engine === 'docker' ? 'start dockerd or set DOCKER_HOST' : 'check `podman info`'}`);
    return problems;
  }
  if (!facts.nodeImagePresent && !facts.nodeImagePullable) {
    problems.push(`node image ${versions.kind.nodeImage} is not present${facts.nodeImagePullError ? ` and its registry does not serve it (${facts.nodeImagePullError})` : ' nor pullable'}; `
      + `run \`${engine} pull ${versions.kind.nodeImage}\` where a registry is reachable, or \`${engine} load\` it, or build it here: npm run images -- kind/flannel-vxlan`);
  }
  if (facts.toolsMissing.length > 0 && !facts.toolboxBuildable) {
    problems.push(`tools missing (${facts.toolsMissing.join('; ')}) and the toolbox image cannot be built (base image ${versions.toolbox.baseImage} not present nor pullable${facts.toolboxPullError ? `: ${facts.toolboxPullError}` : ''}); install them at the pinned versions from versions.ts`);
  }
  return problems;
}

/** Undefined when a registry serves the image, else why not (registry.ts: one HEAD, by digest). */
export type Serves = (image: string) => Promise<string | undefined>;

/**
 * Whether an image can be pulled, without pulling it (the node image is about 1 GB) and without spending Docker Hub's
 * pull budget: one HEAD of its manifest, by digest when pinned by one (registry.ts says why not `docker manifest
 * inspect`). Like the docker CLI's registry client, this does not use the engine's registry mirrors: where only a
 * mirror serves the image, `docker pull` it once and presence is enough (the reason says so).
 */
export const pullProblemWith = (fetchImpl?: Fetch): Serves => (image) => registryServes(image, REGISTRY_TIMEOUT_MS, fetchImpl);
export const pullProblem: Serves = pullProblemWith();

/** The tools every kind profile runs; the others (helm, cilium, calicoctl) only the profiles whose plan calls them (profile-gate.ts). */
export const TOOLS_EVERY_PROFILE = ['kind', 'kubectl'] as const;

/** `info` with a format each engine knows: docker's ServerVersion, podman's Version.Version (podman info --format). */
export function engineInfoArgs(engine: EngineName): string[] {
  return ['info', '--format', engine === 'docker' ? '{{.ServerVersion}}' : '{{.Version.Version}}'];
}

/**
 * Why kind cannot run on this machine, or undefined; never pulls an image. The engine is chosen first (engine-choice.ts,
 * which hands it to every kind command through KIND_EXPERIMENTAL_PROVIDER); `run` is that engine's CLI.
 */
export async function detectKindUnavailable(
  run?: EngineCli,
  tools: () => Promise<ToolStatus[]> = () => hostTools(TOOLS_EVERY_PROFILE),
  serves: Serves = pullProblem,
  choose: () => Promise<EngineChoice> = () => chooseKindEngine(),
): Promise<string | undefined> {
  let engine: EngineName;
  try {
    engine = (await choose()).engine;
  } catch (error) {
    return `kind cannot run here: ${(error as Error).message}`;
  }
  const cli = run ?? engineCli(engine);
  const dockerInfo = await cli(engineInfoArgs(engine), { timeout: 20_000 });
  if (dockerInfo.exitCode !== 0) return `kind cannot run here: ${kindPrerequisiteProblems({ engine, dockerInfo, nodeImagePresent: false, nodeImagePullable: false, toolsMissing: [], toolboxBuildable: false }).join('; ')}`;
  const present = async (image: string) => (await cli(['image', 'inspect', '--format', '{{.Id}}', image])).exitCode === 0;
  const nodeImagePresent = (await nodeImageIn(cli)) !== undefined;
  const nodeImagePullError = nodeImagePresent ? undefined : await serves(versions.kind.nodeImage);
  const toolsMissing = (await tools()).filter((t) => !t.ok).map((t) => t.problem ?? t.tool);
  // The base image matters only while the toolbox image itself is still to be built.
  const baseImagePresent = toolsMissing.length === 0 || (await present(toolboxTag())) || (await present(versions.toolbox.baseImage));
  const toolboxPullError = baseImagePresent ? undefined : await serves(versions.toolbox.baseImage);
  const problems = kindPrerequisiteProblems({
    engine, dockerInfo, nodeImagePresent, nodeImagePullable: nodeImagePresent || nodeImagePullError === undefined,
    ...(nodeImagePullError ? { nodeImagePullError } : {}),
    toolsMissing, toolboxBuildable: baseImagePresent || toolboxPullError === undefined,
    ...(toolboxPullError ? { toolboxPullError } : {}),
  });
  return problems.length > 0 ? `kind cannot run here: ${problems.join('; ')}` : undefined;
}

/**
 * The verdict of this run's one detection, handed from the process that detected to every process after it (the CLI
 * to vitest's main process, vitest's main to its workers, which inherit its environment): each detection asks the
 * engine and maybe a registry, and three per run would be three times the questions. Keyed by the pinned node image,
 * so a verdict about another pin is never trusted. "" = kind can run.
 */
export const KIND_VERDICT_ENV = 'CNI_CONFORMANCE_KIND_VERDICT';

interface Verdict { nodeImage: string; unavailable: string }

export function encodeVerdict(unavailable: string | undefined): string {
  return JSON.stringify({ nodeImage: versions.kind.nodeImage, unavailable: unavailable ?? '' } satisfies Verdict);
}

/** The handed-down verdict: undefined when there is none (or it is about another node image); else the reason, '' = can run. */
export function handedVerdict(env: Record<string, string | undefined> = process.env): string | undefined {
  const text = env[KIND_VERDICT_ENV];
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<Verdict>;
    return v.nodeImage === versions.kind.nodeImage && typeof v.unavailable === 'string' ? v.unavailable : undefined;
  } catch {
    return undefined;
  }
}

let cached: Promise<string | undefined> | undefined;

/**
 * Why kind cannot run on this machine, or undefined: the verdict handed down when there is one, else detected once
 * in this process and handed on (written to this process's environment, which its children inherit).
 */
export function kindUnavailable(env: Record<string, string | undefined> = process.env, detect: () => Promise<string | undefined> = detectKindUnavailable): Promise<string | undefined> {
  const handed = handedVerdict(env);
  if (handed !== undefined) return Promise.resolve(handed || undefined);
  cached ??= detect().then((reason) => { env[KIND_VERDICT_ENV] = encodeVerdict(reason); return reason; });
  return cached;
}
