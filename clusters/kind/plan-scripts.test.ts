import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { versions } from '../../versions.ts';
import { kindProfiles } from '../profiles/kind/index.ts';
import { buildPlan } from './plan.ts';
import { planScripts, writePlan } from './plan-write.ts';
import { loadKindProfile } from './profiles.ts';

/** Temporary folders of this file, removed when it ends. */
const temps: string[] = [];
const tempDir = (prefix: string) => { const dir = mkdtempSync(prefix); temps.push(dir); return dir; };
afterAll(() => { for (const dir of temps) rmSync(dir, { recursive: true, force: true }); });

const kindGateway = '172.23.0.1';
const plan = (name: string, dir = '/abs/plan') => buildPlan(loadKindProfile(name), { runId: 'unit', dir, kindGateway });

const shellcheckMissing = spawnSync('shellcheck', ['--version']).status !== 0;
// In CI (.ci/run installs Debian's shellcheck) a missing shellcheck is a failure, not a skip.
const skipShellcheck = shellcheckMissing && process.env['CI'] !== 'true';

describe.skipIf(skipShellcheck)(`commands.sh and teardown.sh pass bash -n and shellcheck${skipShellcheck ? ' (skipped: shellcheck not installed here; apt-get install shellcheck)' : ''}`, () => {
  test.each(kindProfiles.map((p) => p.name))('%s', (name) => {
    const dir = tempDir(join(tmpdir(), 'cnc-sh-'));
    for (const [file, text] of Object.entries(planScripts(plan(name, dir)))) {
      const path = join(dir, file);
      writeFileSync(path, text);
      const syntax = spawnSync('bash', ['-n', path], { encoding: 'utf8' });
      expect(syntax.stderr, `bash -n ${file}`).toBe('');
      expect(syntax.status).toBe(0);
      const lint = spawnSync('shellcheck', ['--severity=style', path], { encoding: 'utf8' });
      expect(lint.stdout, `shellcheck ${file}`).toBe('');
      expect(lint.status).toBe(0);
    }
  });
});

/**
 * commands.sh run by hand against stand-ins for every tool: each logs its argv; `kind create` refuses a config whose
 * extraMounts hostPath does not exist (Docker would create an empty directory there and the node would get no bridge
 * binary); the first Available wait on tigerastatus/calico fails as a not-yet-ready resource does, so retries must hold.
 */
function runByHand(name: string, options: { kindLoadFails?: boolean } = {}): { status: number | null; log: string[]; stderr: string; dir: string } {
  const root = tempDir(join(tmpdir(), 'cnc-byhand-'));
  const dir = join(root, 'plan');
  const bin = join(root, 'bin');
  mkdirSync(bin);
  const logFile = join(root, 'log');
  const tool = (toolName: string, body: string) => {
    const path = join(bin, toolName);
    writeFileSync(path, `#!/usr/bin/env bash\nset -eu\necho "${toolName} $*" >> ${logFile}\n${body}\n`);
    chmodSync(path, 0o755);
  };
  const stage = join(root, 'stage');
  mkdirSync(stage);
  writeFileSync(join(stage, 'bridge'), 'fake bridge binary');
  tool('curl', `out=""; url=""
while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift 2;; -*) shift;; *) url="$1"; shift;; esac; done
case "$url" in
  *.sha256) archive="\${out%.sha256}"; (cd "$(dirname "$archive")" && sha256sum "$(basename "$archive")") > "$out";;
  *) tar -czf "$out" -C ${stage} .;;
esac`);
  // kind v0.32.0 on Docker's containerd image store (kubernetes-sigs/kind#3795): the import of the saved archive fails.
  const loadFails = options.kindLoadFails
    ? `if [ "$1" = load ]; then echo 'ERROR: failed to load image: ctr: content digest sha256:82014a3cbf22d2e03382cd9b123f4151d956986e727340a466406a206408b7a2: not found' >&2; exit 1; fi\n`
    : '';
  tool('kind', `${loadFails}if [ "$1" = create ]; then
  config=""; while [ $# -gt 0 ]; do [ "$1" = --config ] && config="$2"; shift; done
  for p in $(sed -n 's/.*hostPath: *//p' "$config"); do [ -f "$p" ] || { echo "extraMounts hostPath $p does not exist" >&2; exit 1; }; done
fi`);
  tool('kubectl', `case "$*" in *"--for condition=Available"*tigerastatus/calico*) if [ ! -e ${root}/waited ]; then touch ${root}/waited; echo 'Error from server (NotFound)' >&2; exit 1; fi;; esac`);
  for (const other of ['helm', 'cilium', 'calicoctl', 'docker']) tool(other, 'true');
  return { dir, ...run() };

  function run() {
    const p = plan(name, dir);
    // What writePlan writes (it is async), written synchronously here.
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries({ ...p.files, ...planScripts(p) })) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    const result = spawnSync('bash', [join(dir, 'commands.sh')], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env['PATH']}` }, cwd: root });
    const log = (() => { try { return readFileSync(logFile, 'utf8').trim().split('\n'); } catch { return []; } })();
    return { status: result.status, stderr: result.stderr, log };
  }
}

describe('commands.sh runs by hand', () => {
  test('flannel-host-gw: downloads and verifies the CNI plugins before kind create, so the bridge mount source exists', () => {
    const r = runByHand('flannel-host-gw');
    expect(r.stderr).not.toMatch(/does not exist/);
    expect(r.status).toBe(0);
    const download = r.log.findIndex((l) => l.startsWith('curl ') && l.includes(`cni-plugins-linux-amd64-${versions.cniPlugins}.tgz`));
    const create = r.log.findIndex((l) => l.startsWith('kind create cluster'));
    expect(download).toBeGreaterThanOrEqual(0);
    expect(download).toBeLessThan(create);
    expect(readFileSync(join(r.dir, `cni-plugins/${versions.cniPlugins}/bridge`), 'utf8')).toBe('fake bridge binary');
  });

  test('a failed kind load (containerd image store, kind#3795) warns and goes on: the nodes pull the images', () => {
    const r = runByHand('calico-vpp', { kindLoadFails: true });
    expect(r.stderr).toMatch(/content digest .* not found/);
    expect(r.stderr).toMatch(/failed to load .* \(if this fails, the nodes pull them\)/);
    expect(r.status).toBe(0);
    expect(r.log.some((l) => l.startsWith('kubectl') && l.includes('rollout status daemonset/probe '))).toBe(true);
  });

  test('a tampered archive stops the script before any cluster is created', () => {
    const p = plan('flannel-vxlan');
    const script = planScripts(p)['commands.sh'];
    expect(script).toMatch(/sha256sum -c 'cni-plugins-linux-amd64-v[\d.]+\.tgz\.sha256'|sha256sum -c cni-plugins-linux-amd64-v[\d.]+\.tgz\.sha256/);
    expect(script.indexOf('sha256sum -c')).toBeLessThan(script.indexOf('kind create cluster'));
  });

  test('calico-vpp (operator install): waits for tigerastatus/calico to be created, then retries the Available wait', () => {
    const r = runByHand('calico-vpp');
    expect(r.stderr).toMatch(/NotFound/);
    expect(r.status).toBe(0);
    const created = r.log.findIndex((l) => /wait --for=create .*tigerastatus\/calico/.test(l));
    const available = r.log.map((l, i) => (/wait --for condition=Available .*tigerastatus\/calico/.test(l) ? i : -1)).filter((i) => i >= 0);
    expect(created).toBeGreaterThanOrEqual(0);
    expect(available).toHaveLength(2);
    expect(created).toBeLessThan(available[0]!);
  });

  test('the retried calicoctl step keeps its environment under retry', () => {
    const script = planScripts(plan('calico-ipip'))['commands.sh'];
    expect(script).toMatch(/^retry 120 env DATASTORE_TYPE=kubernetes KUBECONFIG=kubeconfig\/cnc-unit-cal-ipip calicoctl apply/m);
  });

  test('the plan folder written by writePlan holds an executable commands.sh', async () => {
    const dir = tempDir(join(tmpdir(), 'cnc-write-'));
    await writePlan(plan('cilium-vxlan', dir), dir);
    expect(execFileSync('bash', ['-n', join(dir, 'commands.sh')], { encoding: 'utf8' })).toBe('');
  });
});

describe('provision goes on after a failed kind load, as commands.sh does', () => {
  test('runStep warns on the load step and the next step runs', async () => {
    const { provision } = await import('./provision.ts');
    const p = { ...plan('cilium-kpr'), downloads: [] };
    const ran: string[] = [];
    const lines: string[] = [];
    const runner = {
      where: 'fake',
      async run(command: { tool: string; args: string[] }) {
        ran.push(`${command.tool} ${command.args.slice(0, 2).join(' ')}`);
        return command.tool === 'kind' && command.args[0] === 'load'
          ? { stdout: '', stderr: 'ERROR: failed to load image: ctr: content digest sha256:82014a3c: not found', exitCode: 1 }
          : { stdout: '', stderr: '', exitCode: 0 };
      },
    };
    await provision(p, '/abs/plan', runner, (l) => lines.push(l));
    expect(ran).toContain('helm install cilium');
    expect(lines.some((l) => /^⚠️ failed to load .*content digest/.test(l))).toBe(true);
  });
});
