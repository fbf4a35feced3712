import type { Executor } from '../../clusters/types.ts';
import type { PingSummary } from '../../helpers/parsers/ping.ts';
import type { Probed } from '../../helpers/probes/net.ts';
import { pingBurst } from './lab-ops.ts';

/** The protocols pod traffic is proven with, and the ports of the shared pod servers (TCP 8080, UDP 8081). */
export const PROTOCOLS = {
  icmp: { name: 'ICMP' },
  tcp: { name: 'TCP', port: 8080 },
  udp: { name: 'UDP', port: 8081 },
} as const;
export type Protocol = keyof typeof PROTOCOLS;

async function bash(on: Executor, script: string): Promise<{ command: string; raw: string; exitCode: number; stdout: string; stderr: string }> {
  const r = await on.exec(['bash', '-c', script]);
  return { command: `bash -c '${script}'`, raw: [r.stdout, r.stderr].filter(Boolean).join('\n') + `\n(exit ${r.exitCode})`, ...r };
}

/**
 * How long the fundamentals wait for an answer: they run on the lab only, whose paths answer within milliseconds.
 * Measured here (lab image, load 3.3-5 on 2 cores): a TCP connect through `timeout bash -c` 3-10 ms (bash startup
 * included), a datagram answered by the Perl name server 1.0-1.2 ms; ping replies on the lab max 3.3 ms over 180 bursts
 * at load 2-24. Pings keep 1 s: their first packet follows a flush and a device down/up (F-VX-1), and with three
 * lab profile files at once F-VX-1 once saw its three echo requests arrive on the far underlay and no reply within
 * 0.2 s (1 in 5 full runs); the wait is spent only when replies are missing.
 */
export const LAB_WAIT = { tcpS: 0.5, udpS: 0.5, pingS: 1 } as const;

/**
 * One TCP connection attempt through bash's /dev/tcp (connect(2); bash is in the lab image and in
 * netshoot). A server accepting (connected) and no server (RST: refused) both prove the round trip;
 * only no answer at all within `waitS` (timeout, exit 124 of coreutils timeout) does not.
 */
export async function tcpTry(on: Executor, address: string, port: number = PROTOCOLS.tcp.port, waitS = 2): Promise<Probed<'connected' | 'refused' | 'timeout'>> {
  const r = await bash(on, `timeout ${waitS} bash -c "exec 3<>/dev/tcp/${address}/${port}"`);
  const value = r.exitCode === 0 ? 'connected' : /refused/i.test(r.stderr) ? 'refused' : 'timeout';
  return { command: r.command, raw: r.raw, value };
}

/**
 * One datagram through bash's /dev/udp, which connects the socket: an answer (the pod server echoes its
 * name) or an ICMP port unreachable (read fails with "Connection refused") both prove the round trip;
 * nothing within `waitS` is silent.
 */
export async function udpTry(on: Executor, address: string, port: number = PROTOCOLS.udp.port, waitS = 1): Promise<Probed<'answered' | 'refused' | 'silent'>> {
  // bash's read takes one byte per read(2): on a datagram socket that consumes the whole reply, so only its first
  // byte arrives; -N 1 returns with that byte instead of waiting out -t for a newline. Any byte received is the answer.
  const r = await bash(on, `exec 3<>/dev/udp/${address}/${port}; printf 'probe\\n' >&3; read -t ${waitS} -r -N 1 line <&3; rc=$?; echo "read=$rc got=\${#line} $line"`);
  const value = /^read=\d+ got=[1-9]/m.test(r.stdout) ? 'answered' : /refused/i.test(r.stderr) ? 'refused' : 'silent';
  return { command: r.command, raw: r.raw, value };
}

/**
 * A ping burst at the lab's timescale: 10 ms apart, replies awaited LAB_WAIT.pingS (iputils takes fractions),
 * optionally from a source address (`ping -I`); the summary is undefined when ping could not send at all.
 */
export function labPing(on: Executor, target: string, options: { count?: number; from?: string } = {}): Promise<Probed<PingSummary | undefined>> {
  return pingBurst(on, target, { count: 3, ...options, intervalS: 0.01, waitS: LAB_WAIT.pingS });
}
