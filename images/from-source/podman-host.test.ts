import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = new URL('./podman-host.sh', import.meta.url).pathname;
let dir = '';
afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

function run(initial?: string): string {
  dir = mkdtempSync(join(tmpdir(), 'podman-host-'));
  const conf = join(dir, 'containers.conf');
  if (initial !== undefined) writeFileSync(conf, initial);
  execFileSync('bash', [script], { env: { ...process.env, CONTAINERS_CONF_PATH: conf, LIB_MODULES_PATH: join(dir, 'modules') } });
  return readFileSync(conf, 'utf8');
}

const hard = (flag: string) => execFileSync('bash', ['-c', `ulimit -H${flag}`], { encoding: 'utf8' }).trim();
const limitLine = /^default_ulimits = \["nofile=(\d+):\1", "nproc=(\d+):\2"\]$/m;

describe('podman-host.sh', () => {
  it('adds a [containers] table with nofile and nproc within the hard limits to a missing file, and creates the modules dir', () => {
    const m = limitLine.exec(run())!;
    expect(m).not.toBeNull();
    const nofileHard = hard('n');
    if (nofileHard !== 'unlimited') expect(Number(m[1])).toBeLessThanOrEqual(Number(nofileHard));
    expect(Number(m[2])).toBeLessThanOrEqual(32768);
    expect(existsSync(join(dir, 'modules'))).toBe(true);
  });

  it('inserts into an existing [containers] table without touching other keys', () => {
    const text = run('[engine]\ncgroup_manager = "cgroupfs"\n\n[containers]\nlog_driver = "k8s-file"\n');
    expect(text).toMatch(/\[containers\]\ndefault_ulimits = \[.*\]\nlog_driver = "k8s-file"\n/);
    expect(text).toContain('[engine]\ncgroup_manager = "cgroupfs"');
    expect(text.match(/\[containers\]/g)).toHaveLength(1);
  });

  it('replaces an existing default_ulimits that the host cannot grant, and is idempotent', () => {
    const text = run('[containers]\ndefault_ulimits = ["nofile=1048576:1048576"]\n');
    expect(text).not.toContain('1048576');
    expect(text.match(/default_ulimits/g)).toHaveLength(1);
  });
});
