import { describe, expect, it } from 'vitest';
import { versions } from '../../versions.ts';
import type { ExecResult } from '../docker.ts';
import { detectKindUnavailable, encodeVerdict, handedVerdict, KIND_VERDICT_ENV, kindUnavailable, pullProblemWith, REGISTRY_TIMEOUT_MS } from './detect.ts';
import type { ToolStatus } from './tools.ts';

// What registryServes answered on this project's CI machine (no registry, no DNS): the fetch's cause code.
const noRegistry = `HEAD https://registry-1.docker.io/v2/kindest/node/manifests/${versions.kind.nodeImage.split('@')[1]}: EAI_AGAIN`;

function fakeDocker(answers: { nodeImage: boolean }) {
  const calls: Array<{ args: string[]; timeout?: number }> = [];
  const run = async (args: string[], options?: { timeout?: number }): Promise<ExecResult> => {
    calls.push({ args, ...(options?.timeout ? { timeout: options.timeout } : {}) });
    if (args[0] === 'pull') throw new Error('detection must never pull');
    if (args[0] === 'manifest') throw new Error('detection must not GET manifests (docker manifest inspect): a pull each on Docker Hub, and by tag');
    if (args[0] === 'info') return { stdout: '28.2.2\n', stderr: '', exitCode: 0 };
    if (args[0] === 'image') return args.at(-1) === versions.kind.nodeImage && answers.nodeImage ? { stdout: 'sha256:x', stderr: '', exitCode: 0 } : { stdout: '', stderr: 'Error: No such image', exitCode: 1 };
    throw new Error(`unexpected docker ${args.join(' ')}`);
  };
  return { run, calls };
}
const allTools = async (): Promise<ToolStatus[]> => [{ tool: 'kind', ok: true }];
const dockerChosen = async () => ({ engine: 'docker' as const, why: 'a test' });
const servesNothing = (reason: string) => { const asked: string[] = []; return { asked, serves: async (image: string) => { asked.push(image); return reason; } }; };

describe('kind availability', () => {
  it('never pulls the node image: presence locally as kind checks it, then one question to the registry', async () => {
    const { run, calls } = fakeDocker({ nodeImage: false });
    const registry = servesNothing(noRegistry);
    const reason = await detectKindUnavailable(run, allTools, registry.serves, dockerChosen);
    expect(reason).toBe(`kind cannot run here: node image ${versions.kind.nodeImage} is not present and its registry does not serve it (${noRegistry}); run \`docker pull ${versions.kind.nodeImage}\` where a registry is reachable, or \`docker load\` it, or build it here: npm run images -- kind/flannel-vxlan`);
    // The pinned reference, then the build from source under its tag (engine-choice.ts nodeImageIn).
    expect(calls.map((c) => c.args[0])).toEqual(['info', 'image', 'image']);
    expect(registry.asked).toEqual([versions.kind.nodeImage]);
  });

  it('a present node image needs no registry', async () => {
    const { run } = fakeDocker({ nodeImage: true });
    const registry = servesNothing(noRegistry);
    expect(await detectKindUnavailable(run, allTools, registry.serves, dockerChosen)).toBeUndefined();
    expect(registry.asked).toEqual([]);
  });

  it('a served manifest is enough', async () => {
    const { run } = fakeDocker({ nodeImage: false });
    expect(await detectKindUnavailable(run, allTools, async () => undefined, dockerChosen)).toBeUndefined();
  });

  it('the registry question is a HEAD by digest (registry.ts), with the detection\'s timeout', async () => {
    expect(REGISTRY_TIMEOUT_MS).toBe(20_000);
    const asked: string[] = [];
    const serves = pullProblemWith(async (url, init) => { asked.push(`${init.method} ${url}`); throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'EAI_AGAIN' } }); });
    expect((await serves(versions.kind.nodeImage))?.startsWith(noRegistry)).toBe(true);
    expect(asked).toEqual([`HEAD https://registry-1.docker.io/v2/kindest/node/manifests/${versions.kind.nodeImage.split('@')[1]}`]);
  });
});

describe('one detection per run, handed down', () => {
  it('the CLI detects once; vitest\'s main process and its worker inherit the verdict and never ask again', async () => {
    let detections = 0;
    const detect = async () => { detections++; return undefined; };
    const cli: Record<string, string | undefined> = {};
    expect(await kindUnavailable(cli, detect)).toBeUndefined();
    const main = { ...cli };
    const worker = { ...main };
    expect(await kindUnavailable(main, detect)).toBeUndefined();
    expect(await kindUnavailable(worker, detect)).toBeUndefined();
    expect(detections).toBe(1);
    expect(JSON.parse(worker[KIND_VERDICT_ENV]!)).toEqual({ nodeImage: versions.kind.nodeImage, unavailable: '' });
  });

  it('a refusal is handed down as such; a verdict about another node image is not trusted', async () => {
    const refused = { [KIND_VERDICT_ENV]: encodeVerdict('kind cannot run here: x') };
    expect(await kindUnavailable(refused, async () => { throw new Error('must not detect again'); })).toBe('kind cannot run here: x');
    const stale = { [KIND_VERDICT_ENV]: JSON.stringify({ nodeImage: 'kindest/node:v1.30.0@sha256:0', unavailable: '' }) };
    expect(handedVerdict(stale)).toBeUndefined();
  });
});

describe('the kind project where kind cannot run', () => {
  it('fails the run loudly with KIND_REQUIRED=1', async () => {
    const { kindProjectGate } = await import('./global-setup.ts');
    expect(() => kindProjectGate('kind cannot run here: node image x is not present', { KIND_REQUIRED: '1' }, () => {})).toThrow('KIND_REQUIRED=1 but kind cannot run here: node image x is not present');
  });

  it('otherwise skips with the reason, and says so', async () => {
    const { kindProjectGate } = await import('./global-setup.ts');
    const said: string[] = [];
    expect(kindProjectGate('kind cannot run here: x', {}, (l) => said.push(l))).toBe('kind cannot run here: x');
    expect(said).toEqual(['⚠️  every kind suite is skipped: kind cannot run here: x (KIND_REQUIRED=1 makes this a failure)']);
    expect(kindProjectGate(undefined, { KIND_REQUIRED: '1' }, (l) => said.push(l))).toBe('');
  });
});
