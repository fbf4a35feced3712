import type { Datapath } from '../../types.ts';

/** Nothing beyond the nodes' declared files and setup lines (addresses, routes, sysctls). */
export function staticDatapath(options: { features: string[] }): Datapath {
  return { name: 'static', features: options.features };
}
