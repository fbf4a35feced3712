import { versions } from '../../versions.ts';
import { engineCli, engineFromEnv, KIND_PROVIDER_ENV, type EngineCli, type EngineName } from '../engine.ts';

/**
 * Label every image `npm run images` builds carries (images/from-source/README.md): the harness uses such an image only
 * where no registry serves the upstream one, and says so.
 */
export const BUILT_FROM_SOURCE_LABEL = 'io.cni-conformance.built-from-source';

/** The node image a cluster is created from: the pinned upstream reference, or the one built here from source. */
export interface NodeImage { image: string; builtFromSource: boolean }

/** The pinned node image without its digest: the name `npm run images` tags its build with. */
export const builtNodeImageName = (): string => `docker.io/${versions.kind.nodeImage.split('@')[0]}`;

/** Whether an image in the engine carries the built-from-source label (any engine: `image inspect` of .Config.Labels). */
export async function builtFromSource(cli: EngineCli, image: string): Promise<boolean> {
  const r = await cli(['image', 'inspect', '--format', `{{ index .Config.Labels "${BUILT_FROM_SOURCE_LABEL}" }}`, image], { timeout: 20_000 });
  return r.exitCode === 0 && r.stdout.trim() === 'true';
}

/**
 * The node image this engine holds: the pinned digest reference as kind itself looks it up before pulling
 * (pkg/cluster/internal/providers/{docker,podman}/images.go@v0.32.0 pullIfNotPresent: `image inspect` of the same
 * reference), else the build from source under the pinned tag; undefined when it holds neither.
 */
export async function nodeImageIn(cli: EngineCli): Promise<NodeImage | undefined> {
  if ((await cli(['image', 'inspect', '--format', '{{.Id}}', versions.kind.nodeImage], { timeout: 20_000 })).exitCode === 0) {
    return { image: versions.kind.nodeImage, builtFromSource: false };
  }
  const built = builtNodeImageName();
  return (await builtFromSource(cli, built)) ? { image: built, builtFromSource: true } : undefined;
}

/** What the engine choice rests on, gathered once. */
export interface EngineFacts {
  /** `<engine> -v` printed "Docker version" / "podman version" (kind's IsAvailable, providers/{docker,podman}/util.go@v0.32.0). */
  available: Record<EngineName, boolean>;
  /** The node image each available engine holds. */
  nodeImage: Partial<Record<EngineName, NodeImage>>;
}

export interface EngineChoice { engine: EngineName; why: string }

/**
 * The engine kind runs on, chosen as kind chooses: KIND_EXPERIMENTAL_PROVIDER when set (pkg/internal/runtime/runtime.go@v0.32.0),
 * else the first available of docker, podman (pkg/cluster/provider.go@v0.32.0 DetectNodeProvider; nerdctl is not
 * driven here). One step beyond kind: with both available, podman is taken when only podman holds a node image (a
 * machine that built its images into podman because docker cannot run kind there), and the run says so.
 */
export function chooseEngine(fromEnv: EngineName | undefined, facts: EngineFacts): EngineChoice | string {
  if (fromEnv) {
    return facts.available[fromEnv] ? { engine: fromEnv, why: `${KIND_PROVIDER_ENV}=${fromEnv}` } : `${KIND_PROVIDER_ENV}=${fromEnv} but \`${fromEnv} -v\` does not answer`;
  }
  if (facts.available.docker && facts.available.podman && !facts.nodeImage.docker && facts.nodeImage.podman) {
    return { engine: 'podman', why: `docker and podman are both here and only podman holds the node image ${facts.nodeImage.podman.image}` };
  }
  if (facts.available.docker) return { engine: 'docker', why: 'docker is available (kind\'s first choice)' };
  if (facts.available.podman) return { engine: 'podman', why: 'podman is available and docker is not' };
  return 'neither docker nor podman answers `-v`';
}

async function answers(engine: EngineName): Promise<boolean> {
  const r = await engineCli(engine)(['-v'], { timeout: 10_000 });
  return r.exitCode === 0 && r.stdout.startsWith(engine === 'docker' ? 'Docker version' : 'podman version');
}

/** Gathers the facts from the engines on this machine. */
export async function engineFacts(): Promise<EngineFacts> {
  const [docker, podman] = await Promise.all([answers('docker'), answers('podman')]);
  const nodeImage: EngineFacts['nodeImage'] = {};
  for (const [engine, up] of [['docker', docker], ['podman', podman]] as const) {
    if (!up) continue;
    const image = await nodeImageIn(engineCli(engine));
    if (image) nodeImage[engine] = image;
  }
  return { available: { docker, podman }, nodeImage };
}

/**
 * Chooses the engine and writes it to KIND_EXPERIMENTAL_PROVIDER in this process's environment, so that every kind
 * command and every child process (vitest workers) agrees with it. Throws when no engine can run kind.
 */
export async function chooseKindEngine(env: Record<string, string | undefined> = process.env, facts: () => Promise<EngineFacts> = engineFacts): Promise<EngineChoice> {
  const choice = chooseEngine(engineFromEnv(env), await facts());
  if (typeof choice === 'string') throw new Error(choice);
  env[KIND_PROVIDER_ENV] = choice.engine;
  return choice;
}
