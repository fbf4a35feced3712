import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { versions } from '../../versions.ts';
import { toolboxScript, toolboxRunner } from './runner.ts';
import { toolboxBuildArgs } from './toolbox.ts';

/** Temporary folders of this file, removed when it ends. */
const temps: string[] = [];
const tempDir = (prefix: string) => { const dir = mkdtempSync(prefix); temps.push(dir); return dir; };
afterAll(() => { for (const dir of temps) rmSync(dir, { recursive: true, force: true }); });

const dockerfile = readFileSync(new URL('../../images/toolbox/Dockerfile', import.meta.url), 'utf8');
const archScript = new URL('../../images/toolbox/arch.sh', import.meta.url).pathname;

describe('toolbox image', () => {
  test('docker CLI is the pinned static release, not Debian\'s docker.io (API 1.41)', () => {
    expect(dockerfile).not.toMatch(/apt-get install[^\n]*\bdocker\.io\b/);
    expect(dockerfile).toContain('download.docker.com/linux/static/stable/${docker_arch}/docker-${DOCKER_CLI_VERSION}.tgz');
    expect(toolboxBuildArgs()['DOCKER_CLI_VERSION']).toBe(versions.toolbox.dockerCli);
    // API 1.44 (Docker 25) is the floor Engine 29.0-29.3 accept; the pinned CLI must be at least that new.
    expect(Number(versions.toolbox.dockerCli.split('.')[0])).toBeGreaterThanOrEqual(25);
  });

  test('no hard amd64 default: TARGETARCH has no default value and every download uses the derived arch', () => {
    expect(dockerfile).toMatch(/^ARG TARGETARCH$/m);
    expect(dockerfile).not.toMatch(/amd64|x86_64/);
    for (const line of dockerfile.split('\n').filter((l) => /curl -fsSL/.test(l))) expect(line).toMatch(/\$\{(docker_)?arch\}/);
  });

  const arch = (env: Record<string, string>, dpkg?: string) => {
    const bin = tempDir(join(tmpdir(), 'cnc-dpkg-'));
    if (dpkg) { writeFileSync(join(bin, 'dpkg'), `#!/bin/sh\necho ${dpkg}\n`); chmodSync(join(bin, 'dpkg'), 0o755); }
    return spawnSync('sh', [archScript], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, ...env } });
  };

  test('arch.sh: BuildKit TARGETARCH first, else dpkg; Go and docker static names; anything else refused', () => {
    expect(arch({ TARGETARCH: 'arm64' }, 'amd64').stdout).toBe('arm64 aarch64\n');
    expect(arch({ TARGETARCH: '' }, 'arm64').stdout).toBe('arm64 aarch64\n');
    expect(arch({}, 'amd64').stdout).toBe('amd64 x86_64\n');
    const refused = arch({ TARGETARCH: 'riscv64' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/unsupported architecture "riscv64" \(supported: amd64, arm64\)/);
  });
});

const isRoot = process.getuid?.() === 0;

describe('toolbox runner hands what it writes to the host user', () => {
  test('the script keeps the exit code and chowns the plan folder when the host user is not root', () => {
    const script = toolboxScript({ tool: 'kind', args: ['create', 'cluster'], why: 'x' }, '/plans/run 1', { uid: 1000, gid: 1001 });
    expect(script).toBe("set -o pipefail\nkind create cluster\nrc=$?\nchown -R 1000:1001 '/plans/run 1' || echo \"toolbox: could not hand '/plans/run 1' to 1000:1001\" >&2\nexit $rc");
    expect(toolboxScript({ tool: 'kind', args: ['version'], why: 'x' }, '/p', undefined)).toBe('set -o pipefail\nkind version');
  });

  // Runs the script with bash as the toolbox would, on this machine (root, like the toolbox): a stand-in kind writes the
  // kubeconfig 0600 as kind's write.go does; afterwards it belongs to the host user, who can read it.
  test.skipIf(!isRoot)(`a 0600 kubeconfig written as root ends up owned by the host uid:gid; the command's exit code survives${isRoot ? '' : ' (skipped: chown needs root, as in the toolbox and on CI)'}`, async () => {
    const root = tempDir(join(tmpdir(), 'cnc-toolbox-'));
    const planDir = join(root, 'plan');
    const bin = join(root, 'bin');
    mkdirSync(planDir);
    mkdirSync(bin);
    writeFileSync(join(bin, 'kind'), '#!/bin/sh\nmkdir -p kubeconfig && umask 077 && echo apiVersion: v1 > kubeconfig/c && exit 3\n');
    chmodSync(join(bin, 'kind'), 0o755);
    const container = {
      exec: async (argv: string[], options?: { workingDir?: string }) => {
        const r = spawnSync(argv[0]!, argv.slice(1), { cwd: options?.workingDir, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env['PATH']}` } });
        return { output: r.stdout + r.stderr, stdout: r.stdout, stderr: r.stderr, exitCode: r.status ?? 1 };
      },
    };
    const runner = toolboxRunner(container, planDir, { uid: 65534, gid: 65534 });
    const result = await runner.run({ tool: 'kind', args: ['create', 'cluster'], why: 'create' });
    expect(result.exitCode).toBe(3);
    const stat = statSync(join(planDir, 'kubeconfig/c'));
    expect(stat.mode & 0o777).toBe(0o600);
    expect([stat.uid, stat.gid]).toEqual([65534, 65534]);
    expect(statSync(join(planDir, 'kubeconfig')).uid).toBe(65534);
  });
});
