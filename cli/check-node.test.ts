import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from '../clusters/preflight.ts';

/** Runs the plain-JS guard as if Node were `version`. */
function guard(version: string) {
  const script = `Object.defineProperty(process.versions, 'node', { value: '${version}' }); await import('./cli/check-node.mjs');`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../', import.meta.url).pathname, encoding: 'utf8' });
}

describe('cli/check-node.mjs (runs before any TypeScript loads)', () => {
  it.each(['20.20.2', '22.18.0', '22.19.0', '24.11.1'])('agrees with preflight on Node %s', (version) => {
    const run = guard(version);
    const problem = nodeVersionProblem(version);
    expect(run.status).toBe(problem ? 2 : 0);
    if (problem) expect(run.stderr).toContain(`Node ${version} is too old: it needs Node >= 22.19`);
  });
});
