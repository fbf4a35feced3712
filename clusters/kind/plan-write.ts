import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { renderCommand } from './plan.ts';
import type { Plan } from './types.ts';

/** Writes a plan's files plus commands.sh (what would run) and teardown.sh into `dir`. */
export async function writePlan(plan: Plan, dir: string): Promise<string[]> {
  const written: string[] = [];
  const files: Record<string, string> = {
    ...plan.files,
    'commands.sh': script([
      ...plan.downloads.map((d) => `# download ${d.url} (sha256 from ${d.sha256Url}) into ${d.extractTo}`),
      ...plan.commands.map((c) => `# ${c.why}\n${renderCommand(c)}`),
    ]),
    'teardown.sh': script(plan.teardown.map(renderCommand)),
  };
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content, { mode: rel.endsWith('.sh') ? 0o755 : 0o644 });
    written.push(rel);
  }
  return written;
}

function script(lines: string[]): string {
  return ['#!/bin/sh', '# Rendered by cni-conformance plan; run from this folder.', 'set -eu', ...lines, ''].join('\n');
}
