import { versions } from '../../versions.ts';
import { docker } from '../docker.ts';
import { hostTools } from './tools.ts';

/** What kind needs here, each with how to get it; [] means kind can run. */
export function kindPrerequisiteProblems(facts: {
  dockerInfo: { exitCode: number; stderr: string };
  nodeImagePresent: boolean;
  nodeImagePullable: boolean;
  toolsMissing: string[];
  toolboxBuildable: boolean;
}): string[] {
  const problems: string[] = [];
  if (facts.dockerInfo.exitCode !== 0) {
    problems.push(`docker is not reachable (${facts.dockerInfo.stderr.trim().split('\n')[0] ?? ''}); start dockerd or set DOCKER_HOST`);
    return problems;
  }
  if (!facts.nodeImagePresent && !facts.nodeImagePullable) {
    problems.push(`node image ${versions.kind.nodeImage} is neither present nor pullable; run \`docker pull ${versions.kind.nodeImage}\` where a registry is reachable, or \`docker load\` it`);
  }
  if (facts.toolsMissing.length > 0 && !facts.toolboxBuildable) {
    problems.push(`tools missing (${facts.toolsMissing.join('; ')}) and the toolbox image cannot be built (base image ${versions.toolbox.baseImage} not pullable); install them at the pinned versions from versions.ts`);
  }
  return problems;
}

async function pullable(image: string): Promise<boolean> {
  return (await docker(['pull', '-q', image], { timeout: 120_000 })).exitCode === 0;
}

let cached: Promise<string | undefined> | undefined;

/** Why kind cannot run on this machine, or undefined; detected once per process. */
export function kindUnavailable(): Promise<string | undefined> {
  cached ??= (async () => {
    const dockerInfo = await docker(['info', '--format', '{{.ServerVersion}}'], { timeout: 20_000 });
    if (dockerInfo.exitCode !== 0) return kindPrerequisiteProblems({ dockerInfo, nodeImagePresent: false, nodeImagePullable: false, toolsMissing: [], toolboxBuildable: false }).join('; ');
    const nodeImagePresent = (await docker(['image', 'inspect', versions.kind.nodeImage])).exitCode === 0;
    const nodeImagePullable = nodeImagePresent || (await pullable(versions.kind.nodeImage));
    const tools = await hostTools(['kind', 'kubectl', 'helm', 'cilium', 'calicoctl']);
    const toolsMissing = tools.filter((t) => !t.ok).map((t) => t.problem ?? t.tool);
    const toolboxBuildable = toolsMissing.length === 0 || (await docker(['image', 'inspect', versions.toolbox.baseImage])).exitCode === 0 || (await pullable(versions.toolbox.baseImage));
    const problems = kindPrerequisiteProblems({ dockerInfo, nodeImagePresent, nodeImagePullable, toolsMissing, toolboxBuildable });
    return problems.length > 0 ? `kind cannot run here: ${problems.join('; ')}` : undefined;
  })();
  return cached;
}
