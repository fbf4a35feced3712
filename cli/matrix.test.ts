import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url).pathname;
const run = (args: string[], env: Record<string, string> = {}) => execa('node', args, { cwd: root, reject: false, env });

describe('npm run matrix / report / summary: bad input stops before anything runs', () => {
  it('matrix refuses an unknown profile or option, listing the known names', async () => {
    const bad = await run(['cli/matrix.ts', 'lab/calico-lab', 'kind/nope']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('matrix: profile "kind/nope": matches no profile\nknown: lab/calico-lab,');
    expect(bad.stdout).not.toContain('matrix: lab:');
    const option = await run(['cli/matrix.ts', '--profiles', 'x']);
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toContain('unknown option --profiles');
  });

  it('report --merge refuses a missing folder and stray arguments without --merge', async () => {
    const missing = await run(['reports/build-report.ts', '--merge', '/nonexistent/run']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('result folder /nonexistent/run: does not exist or is not a folder');
    const stray = await run(['reports/build-report.ts', 'some/dir']);
    expect(stray.exitCode).toBe(2);
    expect(stray.stderr).toContain('unexpected some/dir: result folders go after --merge');
  });

  it('summary appends the matrix Markdown to $GITHUB_STEP_SUMMARY, and says what is missing', async () => {
    const site = await mkdtemp(join(tmpdir(), 'cnc-summary-'));
    try {
      await writeFile(join(site, 'matrix.md'), '## CNI conformance matrix\n');
      const summary = join(site, 'step-summary.md');
      await writeFile(summary, 'before\n');
      const ok = await run(['reports/summary.ts', site], { GITHUB_STEP_SUMMARY: summary });
      expect(ok.exitCode).toBe(0);
      expect(await readFile(summary, 'utf8')).toBe('before\n## CNI conformance matrix\n');
      const none = await run(['reports/summary.ts', join(site, 'nothing')]);
      expect(none.exitCode).toBe(2);
      expect(none.stderr).toContain('matrix.md: missing; build it first');
    } finally {
      await rm(site, { recursive: true, force: true });
    }
  });
});
