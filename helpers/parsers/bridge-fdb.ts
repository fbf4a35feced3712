/** One entry of `bridge -j fdb show dev <vxlan>` (iproute2 JSON). */
export interface FdbEntry {
  mac: string;
  /** Remote VTEP (unicast) or multicast group. */
  dst?: string;
  state: string;
  /** True for the all-zero default entry that carries BUM traffic (group or head-end replication). */
  allZero: boolean;
}

/** Parses `bridge -j fdb show` output; empty output is no entries. */
export function parseBridgeFdb(text: string): FdbEntry[] {
  if (!text.trim()) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`bridge fdb: output is not JSON (${(e as Error).message}); run "bridge -j fdb show dev <vxlan>"`);
  }
  if (!Array.isArray(value)) throw new Error(`bridge fdb: expected a JSON array, got ${JSON.stringify(value).slice(0, 40)}`);
  return value.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null).map((e) => {
    const mac = typeof e['mac'] === 'string' ? e['mac'].toLowerCase() : '';
    return {
      mac,
      ...(typeof e['dst'] === 'string' ? { dst: e['dst'] } : {}),
      state: typeof e['state'] === 'string' ? e['state'] : '',
      allZero: mac === '00:00:00:00:00:00',
    };
  });
}
