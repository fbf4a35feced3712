import { versions } from '../../versions.ts';
import { docker, type ExecResult } from '../docker.ts';
import { hostTools, type ToolStatus } from './tools.ts';

/** How long a registry may take to answer a manifest request before kind is called unavailable. */
export const REGISTRY_TIMEOUT_MS = 20_000;

/** What kind needs here, each with how to get it; [] means kind can run. */
export function kindPrerequisiteProblems(facts: {
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
  if (facts.dockerInfo.exitCode !== 0) {
    problems.push(`docker is not reachable (${facts.dockerInfo.stderr.trim().split('\n')[0] ?? ''}); start dockerd or set DOCKER_HOST`);
    return problems;
  }
  if (!facts.nodeImagePresent && !facts.nodeImagePullable) {
    problems.push(`node image ${versions.kind.nodeImage} is not present${facts.nodeImagePullError ? ` and its registry does not serve it (${facts.nodeImagePullError})` : ' nor pullable'}; `
      + `run \`docker pull ${versions.kind.nodeImage}\` where a registry is reachable, or \`docker load\` it`);
  }
  if (facts.toolsMissing.length > 0 && !facts.toolboxBuildable) {
    problems.push(`tools missing (${facts.toolsMissing.join('; ')}) and the toolbox image cannot be built (base image ${versions.toolbox.baseImage} not present nor pullable${facts.toolboxPullError ? `: ${facts.toolboxPullError}` : ''}); install them at the pinned versions from versions.ts`);
  }
  return problems;
}

type Docker = (args: string[], options?: { timeout?: number }) => Promise<ExecResult>;

/**
 * Whether an image can be pulled, without pulling it (the node image is about 1 GB): its manifest, asked of the
 * registry with a short timeout (`docker manifest inspect`: docker/cli cli/command/manifest/inspect.go@v28.2.2
 * asks the registry through the CLI's own registry client; marked experimentalCLI, which CLIs >= 20.10 enable by
 * default, and it ran here with CLI 28.2.2). Undefined when it is served, else the registry's answer. The CLI's
 * client does not use the engine's registry mirrors: where only a mirror serves the image, `docker pull` it once
 * and presence is enough (the reason says so).
 */
export async function pullProblem(image: string, run: Docker = docker): Promise<string | undefined> {
  const r = await run(['manifest', 'inspect', image], { timeout: REGISTRY_TIMEOUT_MS });
  if (r.exitCode === 0) return undefined;
  return r.stderr.trim().split('\n')[0] || `no answer within ${REGISTRY_TIMEOUT_MS / 1000}s`;
}

/** Why kind cannot run on this machine, or undefined; never pulls an image. */
export async function detectKindUnavailable(run: Docker = docker, tools: () => Promise<ToolStatus[]> = () => hostTools(['kind', 'kubectl', 'helm', 'cilium', 'calicoctl'])): Promise<string | undefined> {
  const dockerInfo = await run(['info', '--format', '{{.ServerVersion}}'], { timeout: 20_000 });
  if (dockerInfo.exitCode !== 0) return `kind cannot run here: ${kindPrerequisiteProblems({ dockerInfo, nodeImagePresent: false, nodeImagePullable: false, toolsMissing: [], toolboxBuildable: false }).join('; ')}`;
  const present = async (image: string) => (await run(['image', 'inspect', '--format', '{{.Id}}', image])).exitCode === 0;
  const nodeImagePresent = await present(versions.kind.nodeImage);
  const nodeImagePullError = nodeImagePresent ? undefined : await pullProblem(versions.kind.nodeImage, run);
  const toolsMissing = (await tools()).filter((t) => !t.ok).map((t) => t.problem ?? t.tool);
  const baseImagePresent = toolsMissing.length === 0 || (await present(versions.toolbox.baseImage));
  const toolboxPullError = baseImagePresent ? undefined : await pullProblem(versions.toolbox.baseImage, run);
  const problems = kindPrerequisiteProblems({
    dockerInfo, nodeImagePresent, nodeImagePullable: nodeImagePresent || nodeImagePullError === undefined,
    ...(nodeImagePullError ? { nodeImagePullError } : {}),
    toolsMissing, toolboxBuildable: baseImagePresent || toolboxPullError === undefined,
    ...(toolboxPullError ? { toolboxPullError } : {}),
  });
  return problems.length > 0 ? `kind cannot run here: ${problems.join('; ')}` : undefined;
}

let cached: Promise<string | undefined> | undefined;

/** Why kind cannot run on this machine, or undefined; detected once per process. */
export function kindUnavailable(): Promise<string | undefined> {
  cached ??= detectKindUnavailable();
  return cached;
}
