import { execa } from 'execa';
import { versions } from '../../versions.ts';
import type { CliTool, Tool } from './types.ts';

/** Pinned version of each CLI and how to read a binary's version. */
export const toolVersions: Record<CliTool, { pinned: string; args: string[] }> = {
  kind: { pinned: versions.kind.kind, args: ['version'] },
  kubectl: { pinned: versions.kind.kubectl, args: ['version', '--client'] },
  helm: { pinned: versions.helm, args: ['version', '--short'] },
  cilium: { pinned: versions.cilium.cli, args: ['version', '--client'] },
  calicoctl: { pinned: versions.calico.calicoctl, args: ['version', '--client'] },
};

/** The first vX.Y.Z a version command prints (kind: "kind v0.32.0 go1.x linux/amd64"; cilium: "cilium-cli: v0.19.7 ..."). */
export function parseToolVersion(output: string): string | undefined {
  return /\bv?(\d+\.\d+\.\d+)\b/.exec(output)?.[0]?.replace(/^(?!v)/, 'v');
}

export interface ToolStatus { tool: Tool; found?: string; ok: boolean; problem?: string }

/** Whether the host has the tool at its pinned version. */
export async function hostTool(tool: CliTool): Promise<ToolStatus> {
  const { pinned, args } = toolVersions[tool];
  const result = await execa(tool, args, { reject: false, timeout: 20_000 });
  if (result.failed && result.exitCode === undefined) return { tool, ok: false, problem: `${tool} not on PATH` };
  const found = parseToolVersion(`${String(result.stdout)}\n${String(result.stderr)}`);
  if (found !== pinned) return { tool, found, ok: false, problem: `${tool} ${found ?? '(unknown version)'} on PATH, pinned ${pinned}` };
  return { tool, found, ok: true };
}

export async function hostTools(tools: readonly CliTool[]): Promise<ToolStatus[]> {
  return Promise.all(tools.map(hostTool));
}
