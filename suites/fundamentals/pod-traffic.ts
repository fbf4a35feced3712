import type { Executor } from '../../clusters/types.ts';
import type { Probed } from '../../helpers/probes/net.ts';

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
 * One TCP connection attempt through bash's /dev/tcp (connect(2); bash is in the lab image and in
 * netshoot). A server accepting (connected) and no server (RST: refused) both prove the round trip;
 * only no answer at all within 2 s (timeout, exit 124 of coreutils timeout) does not.
 */
export async function tcpTry(on: Executor, address: string, port: number = PROTOCOLS.tcp.port): Promise<Probed<'connected' | 'refused' | 'timeout'>> {
  const r = await bash(on, `timeout 2 bash -c "exec 3<>/dev/tcp/${address}/${port}"`);
  const value = r.exitCode === 0 ? 'connected' : /refused/i.test(r.stderr) ? 'refused' : 'timeout';
  return { command: r.command, raw: r.raw, value };
}

/**
 * One datagram through bash's /dev/udp, which connects the socket: an answer (the pod server echoes its
 * name) or an ICMP port unreachable (read fails with "Connection refused") both prove the round trip;
 * nothing within 1 s is silent.
 */
export async function udpTry(on: Executor, address: string, port: number = PROTOCOLS.udp.port): Promise<Probed<'answered' | 'refused' | 'silent'>> {
  // bash's read takes one byte per read(2): on a datagram socket that consumes the whole reply, so only its first
  // byte arrives and read then times out (rc > 128). Any byte received is the answer.
  const r = await bash(on, `exec 3<>/dev/udp/${address}/${port}; printf 'probe\\n' >&3; read -t 1 -r line <&3; rc=$?; echo "read=$rc got=\${#line} $line"`);
  const value = /^read=\d+ got=[1-9]/m.test(r.stdout) ? 'answered' : /refused/i.test(r.stderr) ? 'refused' : 'silent';
  return { command: r.command, raw: r.raw, value };
}
