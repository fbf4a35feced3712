import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, matchesGlob, relative } from 'node:path';
import { execa } from 'execa';
import * as expressions from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kindProvider } from '../clusters/kind/provider.ts';
import { kindProfiles } from '../clusters/profiles/kind/index.ts';
import { labProfiles } from '../clusters/profiles/lab/index.ts';
import { versions } from '../versions.ts';
import { GITHUB_JOB_LIMIT_MINUTES, kindRunBoundMinutes, POST_MINUTES, SETUP_MINUTES } from './job-timeout.ts';
import { runDir } from './out-dir.ts';
import { matrixEntry } from './select-profiles.ts';

const root = new URL('../', import.meta.url).pathname;
const FILE = '.github/workflows/nightly.yml';
const text = readFileSync(`${root}${FILE}`, 'utf8');

interface Step { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; if?: string; env?: Record<string, string>; id?: string; 'timeout-minutes'?: number | string; 'continue-on-error'?: boolean }
interface Concurrency { group: string; 'cancel-in-progress'?: boolean | string; queue?: string }
interface Job { needs?: string | string[]; if?: string; steps: Step[]; strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown> }; 'timeout-minutes'?: number | string; concurrency?: Concurrency; permissions?: Record<string, string>; outputs?: Record<string, string> }
const workflow = parse(text) as { on: Record<string, unknown>; concurrency: Concurrency; jobs: Record<string, Job> };
const jobs = workflow.jobs;
const steps = Object.values(jobs).flatMap((j) => j.steps);
const scripts = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
/** Steps that prepare the runner rather than call the project: kernel modules (every line a `sudo modprobe`). */
const isMachinePrep = (run: string) => run.trim().split('\n').every((l) => l.startsWith('sudo modprobe '));

/**
 * Inputs of each action at the pinned tag, from its action.yml (e.g. https://github.com/actions/checkout/blob/v7.0.1/action.yml,
 * actions/cache/restore/action.yml and save/action.yml at v5.0.5); GitHub ignores unknown `with:` keys with a warning only.
 */
const ACTION_INPUTS: Record<string, string[]> = {
  'actions/checkout': ['repository', 'ref', 'token', 'ssh-key', 'ssh-known-hosts', 'ssh-strict', 'ssh-user', 'persist-credentials', 'path', 'clean', 'filter', 'sparse-checkout', 'sparse-checkout-cone-mode', 'fetch-depth', 'fetch-tags', 'show-progress', 'lfs', 'submodules', 'set-safe-directory', 'github-server-url', 'allow-unsafe-pr-checkout'],
  'actions/setup-node': ['node-version', 'node-version-file', 'architecture', 'check-latest', 'registry-url', 'scope', 'token', 'cache', 'package-manager-cache', 'cache-dependency-path', 'mirror', 'mirror-token'],
  'actions/upload-artifact': ['name', 'path', 'if-no-files-found', 'retention-days', 'compression-level', 'overwrite', 'include-hidden-files', 'archive'],
  'actions/download-artifact': ['name', 'artifact-ids', 'path', 'pattern', 'merge-multiple', 'github-token', 'repository', 'run-id', 'skip-decompress', 'digest-mismatch'],
  'actions/cache/restore': ['path', 'key', 'restore-keys', 'enableCrossOsArchive', 'fail-on-cache-miss', 'lookup-only'],
  'actions/cache/save': ['path', 'key', 'upload-chunk-size', 'enableCrossOsArchive'],
  'actions/upload-pages-artifact': ['name', 'path', 'retention-days', 'include-hidden-files'],
  'actions/deploy-pages': ['token', 'timeout', 'error_count', 'reporting_interval', 'artifact_name', 'preview'],
};

describe(`${FILE}`, () => {
  it("passes GitHub's own workflow parser (@actions/workflow-parser) with no errors", async () => {
    const parsed = parseWorkflow({ name: FILE, content: text }, new NoOperationTraceWriter());
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.errors ?? []).toEqual([]);
    expect(template.jobs.map((j) => j.id.value)).toEqual(['profiles', 'unit', 'lab', 'toolbox', 'kind', 'report', 'deploy']);
  });

  it('the parser does reject a broken workflow (the check can fail)', () => {
    const broken = text.replace('runs-on: ubuntu-24.04', 'runs-on: [').replace('timeout-minutes: 20', 'timeout-minutes: soon');
    expect(parseWorkflow({ name: FILE, content: broken }, new NoOperationTraceWriter()).context.errors.getErrors().length).toBeGreaterThan(0);
    // The schema checks concurrency's queue (allowed: single, max), so the kind jobs' `queue: max` is a key it knows.
    const badQueue = text.replace('      queue: max\n', '      queue: all\n');
    expect(badQueue).not.toBe(text);
    expect(parseWorkflow({ name: FILE, content: badQueue }, new NoOperationTraceWriter()).context.errors.getErrors().map((e) => e.message)).toEqual([expect.stringContaining("Unexpected value 'all'")]);
  });

  it('runs nightly, on demand with a profiles input, and on pull requests (unit and lab only)', () => {
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \* \* \*$/) }]);
    expect((workflow.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs.profiles).toMatchObject({ type: 'string', required: false });
    expect(workflow.on).toHaveProperty('pull_request');
    expect(jobs.kind!.if).toContain("github.event_name != 'pull_request'");
    expect(jobs.deploy!.if).toContain("github.event_name != 'pull_request'");
    // A job after one that ran despite failures is still skipped when a job further up failed, unless its if has a status function.
    expect(jobs.deploy!.if).toMatch(/^\$\{\{ !cancelled\(\) && /);
    for (const id of ['unit', 'lab', 'profiles']) expect(jobs[id]!.if ?? '').not.toContain('pull_request');
  });

  it('pins every action by the full commit SHA of the tag in versions.ts, the tag named beside it', () => {
    const uses = [...text.matchAll(/uses: ([^@\s]+)@(\S+)(?: # (\S+))?/g)];
    expect(uses.length).toBe(steps.filter((s) => s.uses).length);
    for (const [, action, ref, tag] of uses) {
      const pin = versions.actions[action as keyof typeof versions.actions];
      expect(pin, `${action} is not in versions.actions`).toBeDefined();
      expect(ref, action).toMatch(/^[0-9a-f]{40}$/);
      expect({ action, ref, tag }).toEqual({ action, ref: pin.sha, tag: pin.tag });
    }
  });

  it("passes only inputs each action's action.yml declares at the pinned tag, and installs Node 24", () => {
    for (const s of steps.filter((x) => x.uses)) {
      const action = s.uses!.split('@')[0]!;
      expect(Object.keys(s.with ?? {}).filter((k) => !ACTION_INPUTS[action]!.includes(k)), action).toEqual([]);
      if (action === 'actions/setup-node') expect(s.with?.['node-version']).toBe(versions.ciNode);
    }
    expect(versions.ciNode).toBe('24');
  });

  it('every run step is a thin call to an npm script that exists', () => {
    for (const s of steps.filter((x) => x.run && !isMachinePrep(x.run))) {
      const calls = [...s.run!.matchAll(/npm (ci|run(?: -s)? ([\w:-]+))/g)];
      expect(calls.length, s.run).toBeGreaterThan(0);
      for (const [, , script] of calls) if (script) expect(script in scripts, `npm run ${script}`).toBe(true);
      // Nothing but the npm call, a folder for its output and `tee`: no logic lives in the workflow.
      const rest = s.run!.split('\n').map((l) => l.trim()).filter((l) => l && !/^(\w+=\$\(npm run -s profiles .*\)|echo "(\w+)=\$\2" >> "\$GITHUB_OUTPUT"|npm .*|mkdir -p [\w/.-]+)$/.test(l));
      expect(rest, s.run).toEqual([]);
    }
  });

  it('kind: one job per kind profile from the profiles job, fail-fast off, a timeout, a concurrency group, doctor then the profile with KIND_REQUIRED=1, artifacts and cleanup always', () => {
    const kind = jobs.kind!;
    expect(kind.needs).toEqual(['profiles', 'toolbox']);
    expect(kind.strategy).toEqual({ 'fail-fast': false, matrix: { profile: '${{ fromJSON(needs.profiles.outputs.kind) }}' } });
    expect(kind['timeout-minutes']).toBe('${{ matrix.profile.timeout.jobMinutes }}');
    expect(kind.concurrency?.group).toContain('${{ matrix.profile.id }}');
    const runs = kind.steps.map((s) => s.run ?? s.uses ?? '');
    const doctor = runs.findIndex((r) => r.includes('npm run doctor'));
    const profile = kind.steps.findIndex((s) => s.run?.includes('npm run matrix'));
    expect(doctor).toBeGreaterThan(-1);
    expect(profile).toBeGreaterThan(doctor);
    expect(kind.steps[profile]!.env).toEqual({ KIND_REQUIRED: '1', PROFILE: '${{ matrix.profile.profile }}' });
    const uploads = kind.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(uploads.map((u) => u.if)).toEqual(['always()', 'always()']);
    expect(uploads.map((u) => String(u.with?.path))).toEqual([`${runDir('kind', 'reports/out')}/`, 'reports/out/plans/\nreports/out/diagnostics/\n!reports/out/plans/**/cni-plugins/**\n']);
    expect(kind.steps.at(-1)).toEqual({ name: 'Cleanup', if: 'always()', run: 'npm run cleanup' });
  });

  it('lab: builds the image from images/lab/Dockerfile and runs the lab profiles the profiles job lists', () => {
    const lab = jobs.lab!;
    expect(lab.steps.some((s) => s.run === 'npm run lab-image -- --from-dockerfile')).toBe(true);
    const run = lab.steps.find((s) => s.run?.includes('npm run matrix'))!;
    expect(run.env?.PROFILES).toBe("${{ join(fromJSON(needs.profiles.outputs.lab).*.profile, ' ') }}");
    expect(lab.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))?.with).toMatchObject({ name: 'results-lab', path: `${runDir('lab', 'reports/out')}/` });
  });

  it('report: needs every job, runs when some failed, merges the downloaded results with history, writes the step summary; deploy publishes to Pages', () => {
    const report = jobs.report!;
    expect(report.needs).toEqual(['profiles', 'unit', 'lab', 'kind']);
    expect(report.if).toBe("${{ !cancelled() && needs.profiles.result == 'success' }}");
    const uses = report.steps.map((s) => s.uses?.split('@')[0] ?? s.run);
    expect(uses).toEqual([
      'actions/checkout', 'actions/setup-node', 'npm ci', 'actions/download-artifact', 'actions/cache/restore',
      'npm run report -- --merge artifacts --out site --history .allure-history/history.jsonl --history-run "$GITHUB_RUN_ID" --requested "$REQUESTED"', 'npm run summary -- site',
      'actions/cache/save', 'actions/upload-artifact', 'actions/upload-pages-artifact',
    ]);
    expect(report.steps[3]!.with).toEqual({ pattern: 'results-*', path: 'artifacts' });
    // Every uploaded result folder is downloaded: the names all match the pattern.
    expect(steps.filter((s) => String(s.with?.name ?? '').startsWith('results-')).map((s) => s.with!.name)).toEqual(['results-lab', 'results-${{ matrix.profile.id }}']);
    expect(report.steps[4]!.with?.path).toBe(report.steps[7]!.with?.path);
    // A re-run keeps its run id: with the same key, cache/save finds it taken and only warns (src/saveImpl.ts@v5.0.5
    // logWarning), so the re-run's history entry was lost. The attempt in the key gives each attempt its own entry; the
    // restore then falls back to the newest allure-history-* (restore-keys).
    expect(report.steps[7]!.with?.key).toBe('allure-history-${{ github.run_id }}-${{ github.run_attempt }}');
    expect(report.steps[4]!.with).toMatchObject({ key: report.steps[7]!.with?.key, 'restore-keys': 'allure-history-' });
    expect(jobs.deploy!.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(jobs.deploy!.steps.map((s) => s.uses?.split('@')[0])).toEqual(['actions/deploy-pages']);
  });
});

describe('the kind matrix', () => {
  it('equals the project profile list, one entry per kind suite file, as the profiles job prints it', async () => {
    const printed = await execa('node', ['cli/profiles.ts', '--provider', 'kind'], { cwd: root });
    const matrix = JSON.parse(printed.stdout) as Array<{ profile: string; file: string; id: string }>;
    expect(matrix).toEqual(kindProfiles.map(matrixEntry));
    expect(matrix.map((m) => m.file).sort()).toEqual(readdirSync(`${root}suites/kind`).filter((f) => f.endsWith('.kind.test.ts')).map((f) => `suites/kind/${f}`).sort());
    expect(new Set(matrix.map((m) => m.id)).size).toBe(matrix.length);
    const lab = JSON.parse((await execa('node', ['cli/profiles.ts', '--provider', 'lab'], { cwd: root })).stdout) as unknown[];
    expect(lab).toEqual(labProfiles.map(matrixEntry));
  });

  it('follows the dispatch input: globs narrow it, an unknown name fails before anything runs', async () => {
    const some = await execa('node', ['cli/profiles.ts', '--provider', 'kind', 'kind/cilium-* lab/calico-lab'], { cwd: root });
    expect((JSON.parse(some.stdout) as Array<{ profile: string }>).map((m) => m.profile)).toEqual(kindProfiles.filter((p) => p.name.startsWith('cilium-')).map((p) => `kind/${p.name}`));
    const bad = await execa('node', ['cli/profiles.ts', 'kind/nope'], { cwd: root, reject: false });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('profile "kind/nope": matches no profile');
  });
});

/** A job's `run:` script as the runner runs it: no `shell:` means `bash -e {0}`, no pipefail (actions/runner src/Runner.Worker/Handlers/ScriptHandler.cs, ScriptHandlerHelpers.cs: "sh" -> "-e {0}", run with bash). */
function runStep(script: string, cwd: string, env: Record<string, string> = {}) {
  return execa('bash', ['-e', '-c', script], { cwd, env, reject: false });
}
const scratch: string[] = [];
afterAll(() => { for (const d of scratch) rmSync(d, { recursive: true, force: true }); });
const workspace = () => { const d = mkdtempSync(join(tmpdir(), 'cnc-workflow-')); scratch.push(d); return d; };

describe('the report job on what the jobs before it leave', () => {
  const fixtures = `${root}reports/fixtures/runs/`;
  const merge = jobs.report!.steps.find((s) => s.run?.startsWith('npm run report'))!.run!;
  // The npm script's own command, run in a scratch workspace (relative paths resolve there, as in $GITHUB_WORKSPACE).
  const command = merge.replace('npm run report --', `node ${root}reports/build-report.ts`);

  // actions/download-artifact src/download-artifact.ts@v8.0.1: `isSingleArtifactDownload || inputs.mergeMultiple ||
  // artifacts.length === 1 ? resolvedPath : path.join(resolvedPath, artifact.name)`.
  const download = (cwd: string, artifacts: Record<string, string>) => {
    const path = join(cwd, String(jobs.report!.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!.with!.path));
    const names = Object.keys(artifacts);
    for (const name of names) cpSync(artifacts[name]!, names.length === 1 ? path : join(path, name), { recursive: true });
  };

  it('merges a single downloaded artifact (a pull request: results-lab only), which download-artifact puts straight into the folder', async () => {
    const cwd = workspace();
    download(cwd, { 'results-lab': join(fixtures, 'lab') });
    const run = await runStep(command, cwd);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const matrix = JSON.parse(readFileSync(join(cwd, 'site', 'matrix.json'), 'utf8')) as { columns: Array<{ profile: string }> };
    expect(matrix.columns.map((c) => c.profile)).toEqual(['lab/calico-vxlan']);
    expect(readFileSync(join(cwd, '.allure-history', 'history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('merges several downloaded artifacts, one folder each', async () => {
    const cwd = workspace();
    download(cwd, { 'results-lab': join(fixtures, 'lab'), 'results-kind-cilium-vxlan': join(fixtures, 'kind') });
    const run = await runStep(command, cwd);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const matrix = JSON.parse(readFileSync(join(cwd, 'site', 'matrix.json'), 'utf8')) as { columns: Array<{ profile: string }> };
    expect(matrix.columns.map((c) => c.profile).sort()).toEqual(['kind/cilium-vxlan', 'lab/calico-vxlan']);
  }, 60_000);

  it('fails, naming the folder, when no artifact was downloaded at all', async () => {
    const cwd = workspace();
    mkdirSync(join(cwd, 'artifacts'));
    const run = await runStep(command, cwd);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('result folder artifacts: no Allure results');
  }, 60_000);
});

describe('the profiles job', () => {
  const list = jobs.profiles!.steps.find((s) => s.id === 'list')!;

  it('writes both lists to $GITHUB_OUTPUT as the JSON the matrix reads', async () => {
    const output = join(workspace(), 'output');
    const run = await runStep(list.run!, root, { PROFILES: 'kind/cilium-kpr', GITHUB_OUTPUT: output, PATH: process.env.PATH! });
    expect(run.exitCode, run.stderr).toBe(0);
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split('=')[0])).toEqual(['lab', 'kind']);
    expect(JSON.parse(lines[0]!.slice(4))).toEqual([]);
    expect((JSON.parse(lines[1]!.slice(5)) as Array<{ id: string }>).map((e) => e.id)).toEqual(['kind-cilium-kpr']);
  }, 30_000);

  // `echo "lab=$(cmd)"` exits 0 whatever cmd does under bash -e: the job went green with empty outputs, and the lab and
  // kind jobs then failed on fromJSON('') instead of the profile list's own message.
  it('fails on an unknown profile in the dispatch input, with the profile list\'s message', async () => {
    const output = join(workspace(), 'output');
    const run = await runStep(list.run!, root, { PROFILES: 'kind/nope', GITHUB_OUTPUT: output, PATH: process.env.PATH! });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('profile "kind/nope": matches no profile');
  }, 30_000);
});

/** What a condition sees: the event, the dispatch input, the jobs it needs, and how the run and the steps before went. */
interface Moment { event: 'schedule' | 'workflow_dispatch' | 'pull_request'; profiles?: string; needs?: Record<string, string>; cancelled?: boolean; failedBefore?: boolean }

/**
 * Evaluates an `if:` as the runner does, with GitHub's own expression evaluator (@actions/expressions): a condition
 * without a status function is `success() && (...)` (@actions/workflow-parser src/model/converter/if-condition.ts,
 * ensureStatusFunction); success() is false once something before failed, cancelled() is the run's cancellation.
 */
function evaluateIf(condition: string | undefined, m: Moment): boolean {
  const body = (condition ?? 'success()').trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim();
  const withStatus = /\b(success|failure|cancelled|always)\(\)/.test(body) ? body : `success() && (${body})`;
  const context = JSON.parse(JSON.stringify({
    github: { event_name: m.event, ref: 'refs/heads/main' },
    inputs: m.event === 'workflow_dispatch' ? { profiles: m.profiles ?? '' } : {},
    needs: Object.fromEntries(Object.entries(m.needs ?? {}).map(([id, result]) => [id, { result, outputs: {} }])),
  }), expressions.data.reviver) as InstanceType<typeof expressions.data.Dictionary>;
  const status = (value: boolean) => ({ minArgs: 0, maxArgs: 0, call: () => new expressions.data.BooleanData(value) });
  const functions = new Map([
    ['success', { name: 'success', ...status(!m.cancelled && !m.failedBefore) }],
    ['failure', { name: 'failure', ...status(!m.cancelled && !!m.failedBefore) }],
    ['cancelled', { name: 'cancelled', ...status(!!m.cancelled) }],
    ['always', { name: 'always', ...status(true) }],
  ]);
  const tokens = new expressions.Lexer(withStatus).lex().tokens;
  const tree = new expressions.Parser(tokens, ['github', 'inputs', 'needs'], [...functions.values()]).parse();
  return truthy(new expressions.Evaluator(tree, context, functions).evaluate());
}

describe('what publishes the site, by event', () => {
  const report = jobs.report!;
  const step = (name: string) => report.steps.find((s) => (s as Step & { name?: string }).name === name)!;
  const passed = { profiles: 'success', unit: 'success', lab: 'success', kind: 'success' };
  // Job conditions see the jobs before (failedBefore: a job further up failed); step conditions the report job's steps, all passed.
  const publishes = (m: Moment) => {
    const inReport = { ...m, failedBefore: false, needs: {} };
    return {
      report: evaluateIf(report.if, { ...m, needs: m.needs ?? passed }),
      pages: evaluateIf(step('Upload the site to Pages').if, inReport),
      artifact: evaluateIf(step('Upload the site (pull requests, partial runs)').if, inReport),
      history: evaluateIf(step('Save Allure history').if, inReport),
      deploy: evaluateIf(jobs.deploy!.if, { ...m, needs: { report: 'success' } }),
    };
  };

  it('the nightly and a full dispatch publish to Pages and keep the history; a failed kind job does not stop them', () => {
    const full = { report: true, pages: true, artifact: false, history: true, deploy: true };
    expect(publishes({ event: 'schedule' })).toEqual(full);
    expect(publishes({ event: 'workflow_dispatch', profiles: '' })).toEqual(full);
    expect(publishes({ event: 'schedule', needs: { ...passed, kind: 'failure' }, failedBefore: true })).toEqual(full);
  });

  it('a pull request and a dispatch of some profiles upload the site as an artifact and leave Pages and the history alone', () => {
    const partial = { report: true, pages: false, artifact: true, history: false, deploy: false };
    expect(publishes({ event: 'pull_request', needs: { ...passed, kind: 'skipped' } })).toEqual(partial);
    expect(publishes({ event: 'workflow_dispatch', profiles: 'kind/cilium-kpr' })).toEqual(partial);
  });

  it('a cancelled run or a failed profile list builds no report', () => {
    expect(evaluateIf(report.if, { event: 'schedule', needs: passed, cancelled: true })).toBe(false);
    expect(evaluateIf(report.if, { event: 'schedule', needs: { ...passed, profiles: 'failure' }, failedBefore: true })).toBe(false);
  });
});

describe('the kind job', () => {
  it("records the doctor's findings and goes on when the doctor finds kind cannot run (the profile step says why)", async () => {
    const cwd = workspace();
    const bin = join(cwd, 'bin');
    mkdirSync(bin);
    // A doctor that finds a problem: prints it and exits 1, as cli/doctor.ts does when something stops kind runs.
    writeFileSync(join(bin, 'npm'), '#!/bin/sh\necho "doctor: kind node image: not pullable"\nexit 1\n', { mode: 0o755 });
    const doctor = jobs.kind!.steps.find((s) => s.run?.includes('npm run doctor'))!.run!;
    const run = await runStep(doctor, cwd, { PATH: `${bin}:${process.env.PATH}` });
    expect(run.exitCode).toBe(0);
    expect(readFileSync(join(cwd, 'reports/out/diagnostics/doctor.txt'), 'utf8')).toContain('kind node image: not pullable');
  });
});

/** A `${{ }}` template (a concurrency group, an env value, an output) as GitHub renders it, with @actions/expressions. */
function render(template: string, context: Record<string, unknown>): string {
  const data = JSON.parse(JSON.stringify(context), expressions.data.reviver) as InstanceType<typeof expressions.data.Dictionary>;
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, body: string) => {
    const tree = new expressions.Parser(new expressions.Lexer(body.trim()).lex().tokens, Object.keys(context), []).parse();
    return new expressions.Evaluator(tree, data).evaluate().coerceString();
  });
}

describe('re-runs (a new attempt of the same run id)', () => {
  const report = jobs.report!;
  const pagesUpload = report.steps.find((s) => s.uses?.startsWith('actions/upload-pages-artifact'))!;
  const deploy = jobs.deploy!.steps.find((s) => s.uses?.startsWith('actions/deploy-pages'))!;

  // deploy-pages@v5.0.0 src/internal/api-client.js: `artifactCount > 1` throws "Multiple artifacts named ...", and every
  // attempt's upload stays in the run; upload-pages-artifact's name defaults to github-pages (action.yml@v5.0.0).
  it('name the Pages artifact per attempt, and deploy the name the report job of that attempt uploaded', () => {
    expect(pagesUpload.with?.name).toBe(report.outputs?.pages_artifact);
    const names = [1, 2].map((attempt) => render(String(pagesUpload.with?.name), { github: { run_id: '42', run_attempt: String(attempt) } }));
    expect(names).toEqual(['github-pages-1', 'github-pages-2']);
    // Through the report job's output: re-running only a failed deploy keeps the report's attempt and its name.
    expect(deploy.with?.artifact_name).toBe('${{ needs.report.outputs.pages_artifact }}');
    expect(render(String(deploy.with?.artifact_name), { needs: { report: { outputs: { pages_artifact: 'github-pages-1' } } } })).toBe('github-pages-1');
  });

  it('hand the toolbox image on under a name per attempt, through the toolbox job\'s output', () => {
    const upload = jobs.toolbox!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with?.name).toBe(jobs.toolbox!.outputs?.artifact);
    expect(render(String(upload.with?.name), { github: { run_attempt: '3' } })).toBe('toolbox-image-3');
    const download = jobs.kind!.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!;
    expect(download.with?.name).toBe('${{ needs.toolbox.outputs.artifact }}');
  });

  it('the report step keys its history line by the run id: two attempts of one night leave one line, another night adds one', async () => {
    const cwd = workspace();
    cpSync(join(root, 'reports/fixtures/runs/lab'), join(cwd, 'artifacts'), { recursive: true });
    const merge = report.steps.find((s) => s.run?.startsWith('npm run report'))!.run!.replace('npm run report --', `node ${root}reports/build-report.ts`);
    const lines = async (runId: string) => {
      const run = await runStep(merge, cwd, { GITHUB_RUN_ID: runId, REQUESTED: 'lab/calico-vxlan', PATH: process.env.PATH! });
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
      return readFileSync(join(cwd, '.allure-history', 'history.jsonl'), 'utf8').trim().split('\n');
    };
    expect(await lines('100')).toHaveLength(1);
    expect(await lines('100')).toHaveLength(1);
    expect((await lines('101')).map((l) => (JSON.parse(l) as Record<string, unknown>).cniConformanceRun)).toEqual(['100', '101']);
  }, 120_000);
});

describe('kernel modules', () => {
  /** A runner whose `sudo modprobe` fails for MISSING modules, as modprobe does for one it cannot find (`-a`: any). */
  const fakeRunner = () => {
    const bin = join(workspace(), 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'sudo'), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
    writeFileSync(join(bin, 'modprobe'), '#!/bin/sh\nfor m in "$@"; do case " $MISSING " in *" $m "*) echo "modprobe: FATAL: Module $m not found" >&2; exit 1;; esac; done\n', { mode: 0o755 });
    return bin;
  };
  const lab = jobs.lab!.steps.find((s) => s.name === "Kernel modules of the lab's tunnels")!.run!;

  it('lab: a missing ipip module is a warning, not the end of the lab job', async () => {
    const bin = fakeRunner();
    const run = await runStep(lab, workspace(), { PATH: `${bin}:${process.env.PATH}`, MISSING: 'ipip' });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^::warning::modprobe ipip failed: K-IPIP-1 skips/m);
  });

  it('lab: a missing vxlan module stops the job; both present, no warning', async () => {
    const bin = fakeRunner();
    expect((await runStep(lab, workspace(), { PATH: `${bin}:${process.env.PATH}`, MISSING: 'vxlan' })).exitCode).not.toBe(0);
    const ok = await runStep(lab, workspace(), { PATH: `${bin}:${process.env.PATH}`, MISSING: '' });
    expect({ exitCode: ok.exitCode, stdout: ok.stdout }).toEqual({ exitCode: 0, stdout: '' });
  });

  it('kind: br_netfilter is loaded before the profile runs', () => {
    const runs = jobs.kind!.steps.map((s) => s.run ?? '');
    const load = runs.indexOf('sudo modprobe br_netfilter');
    expect(load).toBeGreaterThan(-1);
    expect(load).toBeLessThan(runs.findIndex((r) => r.includes('npm run matrix')));
  });
});

describe('kind job timeouts', () => {
  const profileStep = jobs.kind!.steps.find((s) => s.run?.includes('npm run matrix'))!;

  it('the job and its profile step take their limits from the matrix entry', () => {
    expect(jobs.kind!['timeout-minutes']).toBe('${{ matrix.profile.timeout.jobMinutes }}');
    expect(profileStep['timeout-minutes']).toBe('${{ matrix.profile.timeout.stepMinutes }}');
  });

  it('every kind profile gets a job long enough for its run bound (or GitHub\'s 6 h), its step ending in time for the uploads', () => {
    for (const p of kindProfiles) {
      const { timeout } = matrixEntry(p);
      expect(timeout!.jobMinutes, p.name).toBeLessThanOrEqual(GITHUB_JOB_LIMIT_MINUTES);
      expect(timeout!.jobMinutes - timeout!.stepMinutes, p.name).toBe(SETUP_MINUTES + POST_MINUTES);
      expect(timeout!.stepMinutes, p.name).toBe(Math.min(kindRunBoundMinutes(p), GITHUB_JOB_LIMIT_MINUTES - SETUP_MINUTES - POST_MINUTES));
      // The old single 90 min fitted no profile's bound: a failing C-CT-1 alone takes 90 min at its timeouts.
      expect(timeout!.jobMinutes, p.name).toBeGreaterThan(90);
    }
  });
});

describe('concurrency', () => {
  const group = (github: Record<string, unknown>) => render(workflow.concurrency.group, { github });
  const cancels = (event: string) => render(String(workflow.concurrency['cancel-in-progress']), { github: { event_name: event } });
  const pr = (number: number, run_id: string) => ({ event_name: 'pull_request', run_id, event: { pull_request: { number } } });

  it('pull requests: one group per pull request, a newer push cancels the older run', () => {
    expect(group(pr(7, '1'))).toBe(group(pr(7, '2')));
    expect(group(pr(7, '1'))).not.toBe(group(pr(8, '1')));
    expect(cancels('pull_request')).toBe('true');
  });

  it('every other run is a group of its own and cancels nothing: the nightly and dispatches never drop one another', () => {
    const runs = [{ event_name: 'schedule', run_id: '10' }, { event_name: 'workflow_dispatch', run_id: '11' }, { event_name: 'workflow_dispatch', run_id: '12' }];
    const groups = runs.map((g) => group({ ...g, event: {} }));
    expect(new Set([...groups, group(pr(7, '1'))]).size).toBe(4);
    expect(cancels('schedule')).toBe('false');
    expect(cancels('workflow_dispatch')).toBe('false');
  });

  it('kind jobs of one profile queue (queue: max, which GitHub takes only without cancel-in-progress); deploys go one at a time in `pages`', () => {
    expect(jobs.kind!.concurrency).toEqual({ group: 'nightly-kind-${{ matrix.profile.id }}', queue: 'max' });
    expect(jobs.deploy!.concurrency).toEqual({ group: 'pages', 'cancel-in-progress': false });
  });
});

describe('what the report gets asked for', () => {
  const mergeStep = jobs.report!.steps.find((s) => s.run?.startsWith('npm run report'))!;
  const outputs = { lab: JSON.stringify([{ profile: 'lab/calico-vxlan' }]), kind: JSON.stringify([{ profile: 'kind/cilium-kpr' }, { profile: 'kind/flannel-vxlan' }]) };
  const requested = (event: string) => render(mergeStep.env!.REQUESTED!, { github: { event_name: event }, needs: { profiles: { outputs } } }).trim().split(/\s+/);

  it('every profile the profiles job listed; the kind ones only where kind jobs run (not on pull requests)', () => {
    expect(requested('schedule')).toEqual(['lab/calico-vxlan', 'kind/cilium-kpr', 'kind/flannel-vxlan']);
    expect(requested('pull_request')).toEqual(['lab/calico-vxlan']);
  });

  it('a requested profile whose job left nothing gets its column, "no result" in every cell it claims', async () => {
    const cwd = workspace();
    cpSync(join(root, 'reports/fixtures/runs/lab'), join(cwd, 'artifacts'), { recursive: true });
    const command = mergeStep.run!.replace('npm run report --', `node ${root}reports/build-report.ts`);
    const run = await runStep(command, cwd, { GITHUB_RUN_ID: '7', REQUESTED: requested('schedule').join(' '), PATH: process.env.PATH! });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const matrix = JSON.parse(readFileSync(join(cwd, 'site', 'matrix.json'), 'utf8')) as { columns: Array<{ profile: string; noResults?: string }>; cells: Record<string, Record<string, { state: string }>> };
    expect(matrix.columns.map((c) => c.profile).sort()).toEqual(['kind/cilium-kpr', 'kind/flannel-vxlan', 'lab/calico-vxlan']);
    expect(matrix.columns.find((c) => c.profile === 'kind/cilium-kpr')!.noResults).toMatch(/^no result came back for kind\/cilium-kpr: its job left no results/);
    const kpr = kindProfiles.find((p) => p.name === 'cilium-kpr')!;
    expect(new Set(kpr.behaviours.map((id) => matrix.cells[id]!['kind/cilium-kpr']!.state))).toEqual(new Set(['noresult']));
    expect(readFileSync(join(cwd, 'site', 'index.html'), 'utf8')).toContain('<span class="mark" title="no result came back for kind/cilium-kpr');
  }, 60_000);
});

describe('the dispatch input and the artifacts', () => {
  const list = jobs.profiles!.steps.find((s) => s.id === 'list')!;

  it('an input starting with "-" is refused by name, never read as an option (--help, --provider=kind)', async () => {
    for (const input of ['--help', '--provider=kind', 'kind/cilium-kpr -x']) {
      const run = await runStep(list.run!, root, { PROFILES: input, GITHUB_OUTPUT: join(workspace(), 'output'), PATH: process.env.PATH! });
      expect(run.exitCode, input).not.toBe(0);
      expect(run.stderr, input).toMatch(/profile "-[^"]*": starts with "-": profiles are names or globs/);
    }
  }, 60_000);

  it('the plan artifact leaves out the CNI plugins the kind path downloads into the plan, and expires', () => {
    const upload = jobs.kind!.steps.find((s) => s.with?.name === 'plan-${{ matrix.profile.id }}')!;
    const excludes = String(upload.with!.path).split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    // Where provision.ts download() puts the archive and its binaries: <plan dir>/cni-plugins/<version>/. path.matchesGlob
    // stands in for @actions/glob here (both globstar); the layout is the real one (planDirFor, plan.ts).
    const plan = relative(root, kindProvider.planDirFor('run-1', 'flannel-vxlan'));
    const dropped = (file: string) => excludes.some((e) => matchesGlob(file, e));
    expect(dropped(`${plan}/cni-plugins/${versions.cniPlugins}/archive.tgz`)).toBe(true);
    expect(dropped(`${plan}/cni-plugins/${versions.cniPlugins}/bridge`)).toBe(true);
    expect(dropped(`${plan}/commands.sh`)).toBe(false);
    expect(upload.with!['retention-days']).toBeGreaterThanOrEqual(1);
    expect(upload.with!['retention-days']).toBeLessThan(90);
  });

  it('the toolbox image is built once, by the toolbox job, and loaded by each kind job before the doctor and the profile', () => {
    const builds = steps.filter((s) => s.run?.includes('npm run toolbox -- --save'));
    expect(builds).toEqual([jobs.toolbox!.steps.find((s) => s.run?.includes('--save'))]);
    const runs = jobs.kind!.steps.map((s) => s.run ?? s.uses ?? '');
    const download = runs.findIndex((r) => r.startsWith('actions/download-artifact'));
    const load = runs.indexOf('npm run toolbox -- --load toolbox-image/toolbox.tar');
    expect(download).toBeGreaterThan(-1);
    expect(load).toBeGreaterThan(download);
    expect(load).toBeLessThan(runs.findIndex((r) => r.includes('npm run doctor')));
    expect(jobs.toolbox!.if).toBe(jobs.kind!.if);
  });
});
