import type { ClusterHandle } from '../../clusters/types.ts';

/** What every node is asked for when a behaviour fails: the state an engineer would look at first. */
const NODE_COMMANDS: string[][] = [
  ['ip', '-d', 'link', 'show'],
  ['ip', 'addr', 'show'],
  ['ip', 'route', 'show', 'table', 'all'],
  ['ip', 'neigh', 'show'],
  ['bridge', 'fdb', 'show'],
  ['iptables-save'],
];

/** Collects node-level diagnostics, plus the provider's own (e.g. cilium-dbg status, pod logs on kind). */
export async function collectDiagnostics(cluster: ClusterHandle): Promise<Record<string, string>> {
  const entries = await Promise.all(cluster.nodes.flatMap((node) => NODE_COMMANDS.map(async (argv) => {
    const r = await node.exec(argv).catch((error: Error) => ({ stdout: '', stderr: error.message, exitCode: 1 }));
    return [`${node.name}: ${argv.join(' ')}`, r.exitCode === 0 ? r.stdout : `${r.stdout}${r.stderr}\n(exit ${r.exitCode})`] as const;
  })));
  const extra = cluster.diagnostics ? await cluster.diagnostics().catch((error: Error) => ({ 'provider diagnostics': `failed: ${error.message}` })) : {};
  return { ...Object.fromEntries(entries), ...extra };
}
