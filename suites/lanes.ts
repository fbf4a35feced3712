import type { ClusterHandle, Profile } from '../clusters/types.ts';

/**
 * Clusters of one profile that share its tests: each test takes a free healthy lane, first come first served, and
 * gives it back healthy (a control undoes what it broke and waits for the behaviour to hold again). A lane whose undo
 * failed is retired with the reason; tests then go to the other lanes, and fail with every reason once none is left.
 */
export class Lanes {
  readonly clusters: readonly ClusterHandle[];
  readonly #free: number[];
  readonly #waiting: Array<() => void> = [];
  readonly #retired = new Map<number, string>();

  constructor(clusters: readonly ClusterHandle[]) {
    this.clusters = clusters;
    this.#free = clusters.map((_, i) => i);
  }

  /** Runs `work` on a free lane, waiting for one; `retire` takes the lane out of service for the tests after it. */
  async use<T>(work: (cluster: ClusterHandle, retire: (why: string) => void) => Promise<T>): Promise<T> {
    for (;;) {
      if (this.#retired.size === this.clusters.length) throw new Error(`not probed: ${[...this.#retired.values()].join('; ')}`);
      const lane = this.#free.shift();
      if (lane === undefined) {
        await new Promise<void>((resolve) => this.#waiting.push(resolve));
        continue;
      }
      try {
        return await work(this.clusters[lane]!, (why) => this.#retired.set(lane, why));
      } finally {
        if (!this.#retired.has(lane)) this.#free.push(lane);
        // Wake every waiter: one takes the lane, and when the last lane was retired the others fail at once.
        for (const wake of this.#waiting.splice(0)) wake();
      }
    }
  }
}

/**
 * How many clusters of a profile share its tests: lab profiles only, CNI_CONFORMANCE_LAB_LANES of them (npm run
 * conformance sets 2 when it runs one lab profile; the lab project runs profile files side by side instead). A lab
 * cluster is built in about a second; kind and attached clusters are one each.
 */
export function laneCount(profile: Profile, env: NodeJS.ProcessEnv = process.env): number {
  if (profile.provider !== 'lab' || env.CNI_CONFORMANCE_ATTACH) return 1;
  const raw = env.CNI_CONFORMANCE_LAB_LANES || '1';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error(`CNI_CONFORMANCE_LAB_LANES=${raw}: expected a whole number from 1 to 8`);
  return n;
}

/** The profile of lane `i`: the first is the profile itself, the others differ only by name (containers, labels). */
export function laneProfile<P extends Profile>(profile: P, lane: number): P {
  return lane === 0 ? profile : { ...profile, name: `${profile.name}-${lane + 1}` };
}
