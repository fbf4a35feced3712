import { describe, expect, it } from 'vitest';
import { versions } from '../../versions.ts';
import type { ExecResult } from '../docker.ts';
import { detectKindUnavailable, REGISTRY_TIMEOUT_MS } from './detect.ts';
import type { ToolStatus } from './tools.ts';

// `docker manifest inspect kindest/node:v1.35.0` on this project's CI machine (docker CLI 28.2.2, no registry).
const noRegistry = 'failed to configure transport: error pinging v2 registry: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host';

function fakeDocker(answers: { nodeImage: boolean; manifest: ExecResult }) {
  const calls: Array<{ args: string[]; timeout?: number }> = [];
  const run = async (args: string[], options?: { timeout?: number }): Promise<ExecResult> => {
    calls.push({ args, ...(options?.timeout ? { timeout: options.timeout } : {}) });
    if (args[0] === 'pull') throw new Error('detection must never pull');
    if (args[0] === 'info') return { stdout: '28.2.2\n', stderr: '', exitCode: 0 };
    if (args[0] === 'image') return args.at(-1) === versions.kind.nodeImage && answers.nodeImage ? { stdout: 'sha256:x', stderr: '', exitCode: 0 } : { stdout: '', stderr: 'Error: No such image', exitCode: 1 };
    if (args[0] === 'manifest') return answers.manifest;
    throw new Error(`unexpected docker ${args.join(' ')}`);
  };
  return { run, calls };
}
const allTools = async (): Promise<ToolStatus[]> => [{ tool: 'kind', ok: true }];

describe('kind availability', () => {
  it('never pulls the node image: presence locally, pullability by manifest with a short timeout', async () => {
    const { run, calls } = fakeDocker({ nodeImage: false, manifest: { stdout: '', stderr: `${noRegistry}\n`, exitCode: 1 } });
    const reason = await detectKindUnavailable(run, allTools);
    expect(reason).toBe(`kind cannot run here: node image ${versions.kind.nodeImage} is not present and its registry does not serve it (${noRegistry}); run \`docker pull ${versions.kind.nodeImage}\` where a registry is reachable, or \`docker load\` it`);
    expect(calls.find((c) => c.args[0] === 'manifest')).toEqual({ args: ['manifest', 'inspect', versions.kind.nodeImage], timeout: REGISTRY_TIMEOUT_MS });
    expect(calls.some((c) => c.args[0] === 'pull')).toBe(false);
  });

  it('a registry that does not answer in time is named as such', async () => {
    const { run } = fakeDocker({ nodeImage: false, manifest: { stdout: '', stderr: '', exitCode: 1 } });
    expect(await detectKindUnavailable(run, allTools)).toMatch(/registry does not serve it \(no answer within 20s\)/);
  });

  it('a present node image needs no registry', async () => {
    const { run, calls } = fakeDocker({ nodeImage: true, manifest: { stdout: '', stderr: noRegistry, exitCode: 1 } });
    expect(await detectKindUnavailable(run, allTools)).toBeUndefined();
    expect(calls.some((c) => c.args[0] === 'manifest')).toBe(false);
  });

  it('a served manifest is enough', async () => {
    const { run } = fakeDocker({ nodeImage: false, manifest: { stdout: '{"schemaVersion":2}', stderr: '', exitCode: 0 } });
    expect(await detectKindUnavailable(run, allTools)).toBeUndefined();
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
