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

/**
 * Replaces one route on a node by a blackhole for the same destination (negative controls); undo puts the route back.
 * For routes a daemon repairs when they go missing, where deleting would race it: flanneld's host-gw routeCheck re-adds
 * a missing route every 10 s (pkg/backend/route_network.go@v0.28.9 checkSubnetExistInRoutes), but its RouteAdd of the
 * same destination then meets the blackhole (same table, tos and metric: EEXIST) and leaves it in place.
 */
export async function blackholeRoute(node: NodeHandle, dst: string, restore: string[]): Promise<Breakage> {
  const put = await node.exec(['ip', 'route', 'replace', 'blackhole', dst]);
  if (put.exitCode !== 0) throw new Error(`failed to replace route ${dst} by a blackhole on ${node.name}: ${put.stderr}`);
  return {
    what: `route ${dst} replaced by "blackhole ${dst}" on ${node.name}`,
    async undo() {
      const back = await node.exec(['ip', 'route', 'replace', dst, ...restore]);
      if (back.exitCode !== 0) throw new Error(`failed to restore route ${dst} ${restore.join(' ')} on ${node.name}: ${back.stderr}`);
    },
  };
}
