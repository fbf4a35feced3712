import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { versions } from '../../versions.ts';
import { docker, dockerOrThrow } from '../docker.ts';
import { runLabels } from '../run.ts';
import { runIdLabel, runSlug } from './naming.ts';

const dockerfile = new URL('../../images/toolbox/Dockerfile', import.meta.url);
const repository = 'cni-conformance/toolbox';

/** Tag = hash of the Dockerfile and the pinned versions: a bump rebuilds, a match reuses. */
export function toolboxTag(): string {
  const hash = createHash('sha256').update(readFileSync(dockerfile)).update(readFileSync(new URL('arch.sh', dockerfile)))
    .update(JSON.stringify(toolboxBuildArgs())).digest('hex').slice(0, 12);
  return `${repository}:${hash}`;
}

export function toolboxBuildArgs(): Record<string, string> {
  return {
    BASE_IMAGE: versions.toolbox.baseImage,
    KIND_VERSION: versions.kind.kind,
    KUBECTL_VERSION: versions.kind.kubectl,
    HELM_VERSION: versions.helm,
    CILIUM_CLI_VERSION: versions.cilium.cli,
    CALICOCTL_VERSION: versions.calico.calicoctl,
    DOCKER_CLI_VERSION: versions.toolbox.dockerCli,
  };
}

/** Whether the local Docker has an image by this tag: what ensureToolbox reuses, and what loadImage checks it loaded. */
export const imagePresent = async (tag: string) => (await docker(['image', 'inspect', tag])).exitCode === 0;

/** Builds the toolbox image when absent (needs a registry for the base image and release downloads). */
export async function ensureToolbox(log: (line: string) => void): Promise<string> {
  const tag = toolboxTag();
  if (await imagePresent(tag)) return tag;
  log(`building ${tag} from images/toolbox/Dockerfile`);
  const args = Object.entries(toolboxBuildArgs()).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  const { file, context } = buildPaths(dockerfile);
  await dockerOrThrow(['build', '-t', tag, ...args, '-f', file, context]);
  return tag;
}

/**
 * The run's own labels (clusters/run.ts): a Ctrl-C or a dead run removes the toolbox with the run's containers, before
 * its kind clusters, and removing it stops a `kind create` still running inside it (a docker exec dies with its
 * container), so no node container appears after the clusters were deleted by name.
 */
export function toolboxLabels(runId: string): Record<string, string> {
  return { ...runLabels(runId), [runIdLabel]: runSlug(runId) };
}

/** The Dockerfile and its folder as paths: fileURLToPath decodes them (URL.pathname keeps a space as %20). */
export function buildPaths(file: URL): { file: string; context: string } {
  return { file: fileURLToPath(file), context: fileURLToPath(new URL('.', file)) };
}

/**
 * A long-lived toolbox container for one run: host network (kind's kubeconfigs point at 127.0.0.1), host Docker
 * socket, and the plan folder mounted at the same absolute path so kind's hostPath mounts resolve on the host.
 */
export async function startToolbox(tag: string, planDir: string, runId: string): Promise<StartedTestContainer> {
  return new GenericContainer(tag)
    .withNetworkMode('host')
    .withBindMounts([
      { source: '/var/run/docker.sock', target: '/var/run/docker.sock' },
      { source: planDir, target: planDir },
    ])
    .withWorkingDir(planDir)
    .withLabels(toolboxLabels(runId))
    .withCommand(['sleep', 'infinity'])
    .start();
}

/**
 * Writes the image `tag` to `file` (the nightly builds the toolbox once and hands it to every kind job). `docker save`
 * of a repo:tag keeps that tag in the archive and `docker load` restores images and tags (docker/cli
 * docs/reference/commandline/image_save.md, image_load.md), so the loaded image answers to the same toolboxTag().
 */
export async function saveImage(tag: string, file: string): Promise<void> {
  await dockerOrThrow(['image', 'save', '-o', file, tag]);
}

/** Loads `file` and checks it brought `tag`: an archive from another checkout (other Dockerfile or pins) is refused. */
export async function loadImage(tag: string, file: string): Promise<void> {
  await dockerOrThrow(['image', 'load', '-q', '-i', file]);
  if (!(await imagePresent(tag))) throw new Error(`${file}: holds no image tagged ${tag} (saved from another checkout: images/toolbox or versions.ts differ); the harness would build its own`);
}
