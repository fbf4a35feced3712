import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { defaultCache, localCopy } from './local-copies.ts';
import { timeStep } from '../phases.ts';
import type { ProvisionPhase } from '../types.ts';
import { renderCommand } from './plan.ts';
import type { CommandRunner } from './runner.ts';
import type { Command, Download, Plan } from './types.ts';

export type Log = (line: string) => void;

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)}s`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one command, retrying for `retrySeconds`; throws naming the step, the command and its stderr. */
export async function runStep(runner: CommandRunner, command: Command, log: Log, signal?: AbortSignal): Promise<string> {
  const started = performance.now();
  const deadline = started + (command.retrySeconds ?? 0) * 1000;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    const result = await runner.run(command, signal);
    if (result.exitCode === 0) {
      log(`✅ ${command.why} (${seconds(started)}${attempt > 1 ? `, ${attempt} attempts` : ''})`);
      return result.stdout;
    }
    if (performance.now() < deadline) { await sleep(3000); continue; }
    const message = `failed to ${command.why}: \`${renderCommand(command)}\` exited ${result.exitCode}: ${(result.stderr || result.stdout).trim().slice(-2000)}`;
    if (command.optional) { log(`⚠️ ${message}`); return ''; }
    log(`❌ ${command.why} (${seconds(started)})`);
    throw new Error(message);
  }
}

/**
 * Fetches an archive, checks it against its published sha256 and extracts it. Where `npm run images` built the same
 * archive from source (localCopy: machines that reach no release download), that copy is checked against the sha256
 * written beside it and used instead, and the log says so; otherwise the URL. `cache`: where `npm run images` keeps them.
 */
export async function download(item: Download, planDir: string, log: Log, cache = defaultCache): Promise<void> {
  const started = performance.now();
  const local = localCopy(item.url, cache);
  const name = item.url.split('/').pop()!;
  let bytes: Buffer;
  let expected: string | undefined;
  if (local) {
    bytes = await readFile(local.file);
    expected = (await readFile(local.sha256File, 'utf8')).trim().split(/\s+/)[0];
  } else {
    const [archive, sums] = await Promise.all([fetch(item.url), fetch(item.sha256Url)]);
    if (!archive.ok || !sums.ok) throw new Error(`failed to download ${item.url}: HTTP ${archive.status}/${sums.status}; check network access to github.com`);
    bytes = Buffer.from(await archive.arrayBuffer());
    expected = (await sums.text()).trim().split(/\s+/)[0];
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) throw new Error(`failed to verify ${local ? local.file : item.url}: sha256 ${actual}, ${local ? `${local.sha256File} says` : 'published'} ${expected}`);
  const dir = join(planDir, item.extractTo);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'archive.tgz');
  await writeFile(file, bytes);
  await execa('tar', ['-xzf', file, '-C', dir]);
  log(local
    ? `✅ ${name}: local build from ${local.file} (made from source by npm run images, not downloaded; sha256 checked) (${seconds(started)})`
    : `✅ downloaded ${name} (${seconds(started)})`);
}

/**
 * Downloads, then every command in order, with one progress line per step and the total at the end. Returns how long each
 * phase took (the plan's `phase` of its commands, consecutive steps of one phase together), in the order they ran.
 */
export async function provision(plan: Plan, planDir: string, runner: CommandRunner, log: Log, signal?: AbortSignal, clock: () => number = () => performance.now()): Promise<ProvisionPhase[]> {
  const started = performance.now();
  const phases: ProvisionPhase[] = [];
  const timed = (phase: string, work: () => Promise<unknown>) => timeStep(phases, phase, 1, work, clock);
  log(`🚀 ${plan.profile}: ${plan.commands.length} steps via ${runner.where} in ${planDir}`);
  for (const item of plan.downloads) await timed('downloads', () => download(item, planDir, log));
  for (const command of plan.commands) await timed(command.phase ?? 'other steps', () => runStep(runner, command, log, signal));
  for (const p of phases) p.ms = Math.round(p.ms);
  log(`🏁 ${plan.profile} ready in ${seconds(started)}: ${phases.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(1)}s`).join(', ')}`);
  return phases;
}

/** Runs the teardown; collects failures instead of stopping at the first. */
export async function teardown(plan: Plan, runner: CommandRunner, log: Log): Promise<void> {
  for (const command of plan.teardown) await runStep(runner, { ...command, optional: true }, log);
}
