import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { renderCommand } from './plan.ts';
import type { Command, Download, Plan } from './types.ts';

/** Writes a plan's files plus commands.sh (what would run) and teardown.sh into `dir`. */
export async function writePlan(plan: Plan, dir: string): Promise<string[]> {
  const written: string[] = [];
  const files: Record<string, string> = { ...plan.files, ...planScripts(plan) };
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content, { mode: rel.endsWith('.sh') ? 0o755 : 0o644 });
    written.push(rel);
  }
  return written;
}

/** commands.sh and teardown.sh: bash scripts a person runs by hand, doing what provision() and teardown() do. */
export function planScripts(plan: Plan): { 'commands.sh': string; 'teardown.sh': string } {
  const retried = plan.commands.some((c) => c.retrySeconds);
  return {
    'commands.sh': script([
      ...(retried ? retryFunction : []),
      ...plan.downloads.flatMap(downloadLines),
      // An optional step (kind load) goes on after a failure, as provision.ts runStep does.
      ...plan.commands.flatMap((c) => [`# ${oneLine(c.why)}`, c.optional ? `${scriptLine(c)} || echo ${quote(`failed to ${oneLine(c.why)}`)} >&2` : scriptLine(c)]),
    ]),
    // Teardown goes on after a failed delete, as provision.ts teardown() does.
    'teardown.sh': script(plan.teardown.flatMap((c) => [`# ${oneLine(c.why)}`, `${renderCommand(c)} || echo ${quote(`failed to ${oneLine(c.why)}`)} >&2`])),
  };
}

const retryFunction = [
  '# retry SECONDS COMMAND...: run COMMAND until it succeeds or SECONDS have passed (provision.ts runStep does the same).',
  'retry() {',
  '  local deadline=$(( $(date +%s) + $1 )); shift',
  '  until "$@"; do',
  '    if [ "$(date +%s)" -ge "$deadline" ]; then echo "gave up after retrying: $*" >&2; return 1; fi',
  '    sleep 3',
  '  done',
  '}',
];

/**
 * The download as commands: fetch the archive and its published `<sha256>  <file>` line, check, extract in place.
 * containernetworking/plugins .github/workflows/release.yaml@v1.9.1 tars bin/ as `.` (bridge at the archive root)
 * and writes the .sha256 with `sha256sum <file>`, so `sha256sum -c` runs in the folder holding the archive.
 */
function downloadLines(item: Download): string[] {
  const file = item.url.split('/').pop()!;
  const dir = quote(item.extractTo);
  return [
    `# download ${item.url}, verified against ${item.sha256Url}, into ${item.extractTo}`,
    `mkdir -p ${dir}`,
    `curl -fsSL --retry 5 -o ${quote(`${item.extractTo}/${file}`)} ${quote(item.url)}`,
    `curl -fsSL --retry 5 -o ${quote(`${item.extractTo}/${file}.sha256`)} ${quote(item.sha256Url)}`,
    `(cd ${dir} && sha256sum -c ${quote(`${file}.sha256`)} && tar -xzf ${quote(file)})`,
  ];
}

/** One plan command as a script line: env through `env` so that `retry` can run it, pipes through bash -c. */
export function scriptLine(command: Command): string {
  if (!command.retrySeconds) return renderCommand(command);
  const argv = command.stdinFrom ? ['bash', '-c', renderCommand(command)] : [...envPrefix(command), command.tool, ...command.args];
  return `retry ${command.retrySeconds} ${argv.map(quote).join(' ')}`;
}

function envPrefix(command: Command): string[] {
  const pairs = Object.entries(command.env ?? {});
  return pairs.length === 0 ? [] : ['env', ...pairs.map(([k, v]) => `${k}=${v}`)];
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function script(lines: string[]): string {
  return [
    '#!/usr/bin/env bash',
    '# Rendered by cni-conformance plan; run it from anywhere: it works in its own folder.',
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    ...lines,
    '',
  ].join('\n');
}
