import { describe, expect, it } from 'vitest';
import { versions } from '../../versions.ts';
import type { EngineCli } from '../engine.ts';
import { engineFromEnv, kindEngineName, KIND_PROVIDER_ENV } from '../engine.ts';
import { builtNodeImageName, chooseEngine, chooseKindEngine, nodeImageIn, type EngineFacts } from './engine-choice.ts';

const both = (nodeImage: EngineFacts['nodeImage']): EngineFacts => ({ available: { docker: true, podman: true }, nodeImage });
const upstream = { image: versions.kind.nodeImage, builtFromSource: false };
const built = { image: builtNodeImageName(), builtFromSource: true };

describe('the engine kind runs on', () => {
  it('KIND_EXPERIMENTAL_PROVIDER decides when set, as in kind; a value the harness does not drive is refused by name', () => {
    expect(chooseEngine('podman', both({}))).toMatchObject({ engine: 'podman', why: `${KIND_PROVIDER_ENV}=podman` });
    expect(chooseEngine('podman', { available: { docker: true, podman: false }, nodeImage: {} })).toBe(`${KIND_PROVIDER_ENV}=podman but \`podman -v\` does not answer`);
    expect(() => engineFromEnv({ [KIND_PROVIDER_ENV]: 'nerdctl' })).toThrow('docker or podman only');
    expect(engineFromEnv({})).toBeUndefined();
  });

  it('unset: docker first (kind DetectNodeProvider), podman when only podman holds a node image, else whichever answers', () => {
    expect(chooseEngine(undefined, both({}))).toMatchObject({ engine: 'docker' });
    expect(chooseEngine(undefined, both({ docker: upstream, podman: built }))).toMatchObject({ engine: 'docker' });
    expect(chooseEngine(undefined, both({ podman: built }))).toMatchObject({ engine: 'podman', why: expect.stringContaining('only podman holds the node image') });
    expect(chooseEngine(undefined, { available: { docker: false, podman: true }, nodeImage: {} })).toMatchObject({ engine: 'podman' });
    expect(chooseEngine(undefined, { available: { docker: false, podman: false }, nodeImage: {} })).toBe('neither docker nor podman answers `-v`');
  });

  it('the choice is written where kind and every child process read it', async () => {
    const env: Record<string, string | undefined> = {};
    await chooseKindEngine(env, async () => both({ podman: built }));
    expect(env[KIND_PROVIDER_ENV]).toBe('podman');
    expect(kindEngineName(env)).toBe('podman');
    expect(kindEngineName({})).toBe('docker');
  });
});

describe('the node image an engine holds', () => {
  const engine = (images: Record<string, string>): { cli: EngineCli; asked: string[] } => {
    const asked: string[] = [];
    const cli: EngineCli = async (args) => {
      asked.push(args.join(' '));
      const image = args.at(-1)!;
      if (!(image in images)) return { stdout: '', stderr: `Error: ${image}: image not known`, exitCode: 125 };
      return { stdout: args.includes('{{.Id}}') ? 'sha256:x\n' : `${images[image]}\n`, stderr: '', exitCode: 0 };
    };
    return { cli, asked };
  };

  it('the pinned digest reference first, as kind looks it up before pulling', async () => {
    expect(await nodeImageIn(engine({ [versions.kind.nodeImage]: '' }).cli)).toEqual(upstream);
  });

  it('else the build from source under the pinned tag, only with the built-from-source label', async () => {
    expect(builtNodeImageName()).toBe(`docker.io/${versions.kind.nodeImage.split('@')[0]}`);
    expect(await nodeImageIn(engine({ [builtNodeImageName()]: 'true' }).cli)).toEqual(built);
    // The same tag without the label is someone else's image: not taken for ours.
    expect(await nodeImageIn(engine({ [builtNodeImageName()]: '<no value>' }).cli)).toBeUndefined();
    expect(await nodeImageIn(engine({}).cli)).toBeUndefined();
  });
});
