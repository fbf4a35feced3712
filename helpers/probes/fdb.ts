import type { Executor } from '../../clusters/types.ts';
import { parseBridgeFdb, type FdbEntry } from '../parsers/bridge-fdb.ts';
import type { Probed } from './net.ts';

/** The forwarding database of one device (`bridge -j fdb show dev <dev>`); empty when the device is missing. */
export async function probeFdb(on: Executor, dev: string): Promise<Probed<FdbEntry[]>> {
  const r = await on.exec(['bridge', '-j', 'fdb', 'show', 'dev', dev]);
  return { command: `bridge -j fdb show dev ${dev}`, raw: r.exitCode === 0 ? r.stdout : `${r.stdout}${r.stderr}\n(exit ${r.exitCode})`, value: r.exitCode === 0 ? parseBridgeFdb(r.stdout) : [] };
}
