import { readdirSync, readFileSync } from 'node:fs';
import { parsePing } from '../helpers/parsers/ping.ts';
import { parseTcpdump } from '../helpers/parsers/tcpdump.ts';
import { lookupOf, type PathLookup, type UnderlayCapture } from './pod-path.ts';

// Test helper: rebuilds the path part of an observation from raw outputs captured on the lab
// (suites/fixtures/lab-paths/<state>/, one file per command, named as the report names the attachment).

export interface FixturePod { name: string; node: string; address: string }

const safe = (s: string) => s.replace(/[^A-Za-z0-9.]+/g, '_');

export function pathsFromFixtures(state: string, pods: FixturePod[], underlay = 'eth0'): { lookups: PathLookup[]; captures: UnderlayCapture[]; pods: string[] } {
  const dir = new URL(`./fixtures/lab-paths/${state}/`, import.meta.url);
  const files = readdirSync(dir);
  const read = (f: string) => readFileSync(new URL(f, dir), 'utf8');
  const lookups: PathLookup[] = [];
  const captures: UnderlayCapture[] = [];
  const nodes = [...new Set(pods.map((p) => p.node))];
  for (const node of nodes) {
    const local = pods.filter((p) => p.node === node);
    const remote = pods.filter((p) => p.node !== node);
    for (const from of local) {
      for (const to of remote) {
        const prefix = safe(`${node}: ip -4 route get ${to.address} from ${from.address} iif `);
        const file = files.find((f) => f.startsWith(prefix));
        if (!file) throw new Error(`fixture ${state}: no ${prefix}*`);
        lookups.push(lookupOf({ node, fromPod: from.name, from: from.address, iif: file.slice(prefix.length, -4), toPod: to.name, to: to.address, toNode: to.node }, read(file)));
      }
    }
    const sender = local[0]!;
    const capture = files.find((f) => f.startsWith(safe(`${node}: timeout`)) && f.includes('tcpdump'));
    if (!capture) throw new Error(`fixture ${state}: no capture of ${node}`);
    const pings = remote.map((to) => {
      const file = files.find((f) => f.startsWith(safe(`${sender.name}: ping `)) && f.endsWith(`${safe(to.address)}.txt`));
      const summary = file ? parsePing(read(file)) : undefined;
      return { fromPod: sender.name, from: sender.address, toPod: to.name, to: to.address, ...(summary ? { summary } : {}) };
    });
    captures.push({ node, iface: underlay, pings, packets: parseTcpdump(read(capture)) });
  }
  return { lookups, captures, pods: pods.map((p) => p.address) };
}
