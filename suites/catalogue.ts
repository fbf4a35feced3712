import type { Behaviour } from './types.ts';
import { calicoBehaviours } from './calico/index.ts';
import { ciliumBehaviours } from './cilium/index.ts';
import { crossBehaviours } from './cross/index.ts';
import { flannelBehaviours } from './flannel/index.ts';
import { fundamentalsBehaviours } from './fundamentals/index.ts';

/** Every behaviour, keyed by its BEHAVIOURS.md id. */
export const catalogue: ReadonlyMap<string, Behaviour<unknown>> = new Map(
  [...ciliumBehaviours, ...calicoBehaviours, ...flannelBehaviours, ...fundamentalsBehaviours, ...crossBehaviours].map(
    (b) => [b.id, b as Behaviour<unknown>],
  ),
);

export function behaviour(id: string): Behaviour<unknown> {
  const found = catalogue.get(id);
  if (!found) throw new Error(`behaviour "${id}": unknown id; known: ${[...catalogue.keys()].join(', ')}`);
  return found;
}
