import { randomBytes } from 'node:crypto';
import type { Executor } from '../../clusters/types.ts';
import { parseTcpdumpWithUnparsed, type CapturedPacket } from '../parsers/tcpdump.ts';
import type { Probed } from './net.ts';

export interface CaptureSpec {
  iface: string;
  /** pcap filter, e.g. "udp dst port 4789". */
  filter: string;
  /** Stop after this many packets (tcpdump -c). */
  count: number;
  /** Hard bound on the capture (coreutils timeout). */
  seconds: number;
  /** Print link-level headers (-e). */
  link?: boolean;
  /** Decode the selected UDP packets as this type (-T), e.g. "vxlan" for flannel's port 8472 (tcpdump decodes only 4789 by itself). */
  decodeAs?: string;
  /** Only packets received ('in') or sent ('out') by this interface (tcpdump -Q). */
  direction?: 'in' | 'out';
  /**
   * Once the action has returned, wait at most this long for the capture to reach `count`, then stop it
   * (packets still in flight get this long to arrive). Unset: wait up to `seconds` as before.
   */
  settleMs?: number;
  /** Shell lines run in the same exec just before tcpdump starts (saves a round trip to the node). */
  prepare?: string[];
}

// The node's PID 1 (sleep) never reaps, so a finished capture stays a zombie: alive = exists and not Z.
export const ALIVE = `alive() { s=$(sed -n 's/^State:[[:space:]]*\\(.\\).*/\\1/p' /proc/$1/status 2>/dev/null); [ -n "$s" ] && [ "$s" != Z ]; }`;

/**
 * Between two looks at a starting or ending tcpdump, in the node's shell: it prints "listening on" 2-150 ms after it
 * starts (measured here at load 10, median ~20 ms) and exits as soon as its count is reached, so a 50 ms step wasted
 * about 25 ms a look on average. Each look runs sed once (~1-3 ms); the loops count looks, so a bound of N looks
 * lasts at least N * POLL_MS.
 */
const POLL_MS = 10;

interface Running {
  on: Executor;
  spec: CaptureSpec;
  command: string;
  file: string;
  pid: string;
}

/**
 * The bounded tcpdump command of a capture, as a shell line. The filter is one shell word: filters with parentheses
 * would otherwise be shell syntax. --immediate-mode hands each packet to tcpdump as it arrives: without it TPACKET_V3
 * holds packets until a ring block times out (measured here: a ping's line reached the file 92 ms after the ping, 1 ms
 * with it), so a capture stopped after the traffic could miss the last ones.
 */
export function tcpdumpCommand(spec: Pick<CaptureSpec, 'iface' | 'filter' | 'count' | 'seconds' | 'link' | 'direction' | 'decodeAs'>): string {
  if (spec.filter.includes("'")) throw new Error(`failed to capture on ${spec.iface}: the filter "${spec.filter}" contains a single quote`);
  return `timeout ${spec.seconds} tcpdump -lnn --immediate-mode ${spec.link ? '-e ' : ''}${spec.direction ? `-Q ${spec.direction} ` : ''}${spec.decodeAs ? `-T ${spec.decodeAs} ` : ''}-i ${spec.iface} -c ${spec.count} '${spec.filter}'`;
}

/**
 * Starts a bounded tcpdump in the background and returns once it is listening: tcpdump prints
 * "listening on" to stderr after pcap_activate and pcap_setfilter (tcpdump.c @ tcpdump-4.99.3,
 * Debian bookworm's), so a packet sent after this returns is seen. Polls every POLL_MS, 5 s at most.
 */
async function start(on: Executor, spec: CaptureSpec): Promise<Running> {
  const file = `/tmp/cc-cap-${randomBytes(4).toString('hex')}`;
  const command = tcpdumpCommand(spec);
  // One exec starts it and waits: the first line out is its pid; exit 3 = tcpdump died, 4 = not listening in 5 s.
  const started = await on.exec(['sh', '-c', [
    ...(spec.prepare ?? []).map((l) => `${l} >&2 || { echo "prepare failed: ${l.replace(/["$`\\]/g, '')}" >&2; exit 5; }`),
    ALIVE, `${command} >${file} 2>${file}.err </dev/null & pid=$!`, 'echo $pid',
    `i=0; until grep -q 'listening on' ${file}.err; do alive $pid || { cat ${file}.err; exit 3; }; i=$((i+1)); [ $i -ge ${Math.ceil(5_000 / POLL_MS)} ] && { cat ${file}.err; kill $pid; exit 4; }; sleep ${POLL_MS / 1000}; done`,
  ].join('\n')]);
  const [pid = '', ...err] = started.stdout.split('\n');
  if (started.exitCode !== 0 || !/^\d+$/.test(pid)) {
    await on.exec(['rm', '-f', file, `${file}.err`]);
    const why = started.exitCode === 3 ? 'exited' : started.exitCode === 4 ? 'was not listening within 5 s'
      : started.exitCode === 5 ? 'was not started: a preparing line failed' : `could not start (exit ${started.exitCode})`;
    throw new Error(`failed to capture on ${spec.iface}: "${command}" ${why}: ${[...err, started.stderr].join('\n').trim()}`);
  }
  return { on, spec, command, file, pid };
}

/** Waits for the capture to end (its count reached), stopping it after `settleMs` or its own bound; parses what it saw. */
async function finish(c: Running): Promise<Probed<CapturedPacket[]>> {
  const bound = Math.ceil((c.spec.settleMs ?? (c.spec.seconds + 2) * 1000) / POLL_MS);
  const out = await c.on.exec(['sh', '-c', [
    ALIVE, `i=0; while alive ${c.pid}; do i=$((i+1)); [ $i -gt ${bound} ] && { kill ${c.pid}; break; }; sleep ${POLL_MS / 1000}; done`,
    // tcpdump flushes its buffered lines when it exits on SIGTERM; wait for that before reading.
    `while alive ${c.pid}; do sleep 0.02; done`,
    `cat ${c.file} ${c.file}.err; rm -f ${c.file} ${c.file}.err`,
  ].join('\n')]);
  // The command names the order, for the report: the capture listened before anything was sent.
  const { value, unparsed } = parseTcpdumpWithUnparsed(out.stdout);
  return { command: `${c.command} (listening before the traffic was sent)`, raw: out.stdout, value, ...(unparsed.length > 0 ? { unparsed } : {}) };
}

/**
 * Runs every capture at once: starts them all, waits until each is listening, runs `action`, then
 * waits for each to end (see CaptureSpec.settleMs) and parses what it saw. Captures are returned in
 * the order given. When starting one fails, the others are stopped before the error is thrown.
 */
export async function captureDuring<T>(captures: Array<{ on: Executor; spec: CaptureSpec }>, action: () => Promise<T>): Promise<{ captures: Array<Probed<CapturedPacket[]>>; result: T }> {
  const started = await Promise.allSettled(captures.map((c) => start(c.on, c.spec)));
  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(running.map((c) => c.on.exec(['sh', '-c', `kill ${c.pid} 2>/dev/null; rm -f ${c.file} ${c.file}.err`])));
    throw failed.reason;
  }
  let result: T;
  try {
    result = await action();
  } catch (error) {
    await Promise.all(running.map(finish));
    throw error;
  }
  return { captures: await Promise.all(running.map(finish)), result };
}

/** One capture around `action` (see captureDuring). */
export async function captureWhile<T>(on: Executor, spec: CaptureSpec, action: () => Promise<T>): Promise<{ capture: Probed<CapturedPacket[]>; result: T }> {
  const { captures, result } = await captureDuring([{ on, spec }], action);
  return { capture: captures[0]!, result };
}
