import type { NodeHandle } from '../clusters/types.ts';
import type { Breakage } from './types.ts';

/** Deletes one route on a node (negative controls); undo puts the same route back. */
export async function deleteRoute(node: NodeHandle, spec: string[]): Promise<Breakage> {
  const route = spec.join(' ');
  const del = await node.exec(['ip', 'route', 'del', ...spec]);
  if (del.exitCode !== 0) throw new Error(`failed to delete route ${route} on ${node.name}: ${del.stderr}`);
  return {
    what: `route ${route} deleted on ${node.name}`,
    async undo() {
      const add = await node.exec(['ip', 'route', 'replace', ...spec]);
      if (add.exitCode !== 0) throw new Error(`failed to restore route ${route} on ${node.name}: ${add.stderr}`);
    },
  };
}
