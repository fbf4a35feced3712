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
}

// The node's PID 1 (sleep) never reaps, so a finished capture stays a zombie: alive = exists and not Z.
const ALIVE = `alive() { s=$(sed -n 's/^State:[[:space:]]*\\(.\\).*/\\1/p' /proc/$1/status 2>/dev/null); [ -n "$s" ] && [ "$s" != Z ]; }`;

/**
 * Runs a bounded tcpdump in the background on `on`, waits until it is listening, runs `action`,
 * then waits (at most spec.seconds + 2 s) for the capture to end and parses what it saw.
 */
export async function captureWhile<T>(on: Executor, spec: CaptureSpec, action: () => Promise<T>): Promise<{ capture: Probed<CapturedPacket[]>; result: T }> {
  const file = `/tmp/cc-cap-${randomBytes(4).toString('hex')}`;
  const command = `timeout ${spec.seconds} tcpdump -lnn ${spec.link ? '-e ' : ''}-i ${spec.iface} -c ${spec.count} ${spec.filter}`;
  const started = await on.exec(['sh', '-c', `${command} >${file} 2>${file}.err </dev/null & echo $!`]);
  const pid = started.stdout.trim();
  if (started.exitCode !== 0 || !/^\d+$/.test(pid)) throw new Error(`failed to start "${command}": ${started.stderr || started.stdout}`);
  // Poll (5 s deadline) until tcpdump says it listens, or has already died.
  const listening = await on.exec(['sh', '-c',
    `${ALIVE}; i=0; until grep -q 'listening on' ${file}.err; do alive ${pid} || exit 3; i=$((i+1)); [ $i -ge 50 ] && exit 4; sleep 0.1; done`]);
  if (listening.exitCode !== 0) {
    const err = await on.exec(['cat', `${file}.err`]);
    await on.exec(['sh', '-c', `kill ${pid} 2>/dev/null; rm -f ${file} ${file}.err`]);
    throw new Error(`failed to capture on ${spec.iface}: tcpdump ${listening.exitCode === 3 ? 'exited' : 'was not listening within 5 s'}: ${err.stdout.trim()}`);
  }
  let result: T;
  try {
    result = await action();
  } finally {
    const bound = (spec.seconds + 2) * 10;
    await on.exec(['sh', '-c', `${ALIVE}; i=0; while alive ${pid}; do i=$((i+1)); [ $i -ge ${bound} ] && { kill ${pid}; break; }; sleep 0.1; done; true`]);
  }
  const out = await on.exec(['sh', '-c', `cat ${file} ${file}.err; rm -f ${file} ${file}.err`]);
  const { value, unparsed } = parseTcpdumpWithUnparsed(out.stdout);
  return { capture: { command, raw: out.stdout, value, ...(unparsed.length > 0 ? { unparsed } : {}) }, result };
}
