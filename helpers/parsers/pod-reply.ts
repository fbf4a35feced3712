/** What a pod server answered to one request (TCP: curl, UDP: socat); the shared pod-server contract. */
export interface PodReply {
  /** The pod name the reply carries; undefined when nothing (or nothing readable) came back. */
  answeredBy?: string;
  /** Why there is no answer, in the client's own words (curl's `curl: (28) ...`, the UDP client's kernel error, or a timeout). */
  error?: string;
  /** Seconds from the request to the answer, where the client measures it. */
  elapsedS?: number;
  unparsed: string[];
}

export interface ClientRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Parses `curl -sS --connect-timeout 1 -m 2 http://<pod>:8080/` against a pod server: the body is JSON with
 * `"pod":"<name>"`, errors are `curl: (N) message` on stderr (curl 7.88.1; fixtures in fixtures/pod-reply).
 */
export function parseHttpPodReply(run: ClientRun): PodReply {
  const unparsed: string[] = [];
  const errors: string[] = [];
  for (const line of run.stderr.split('\n').map((l) => l.trim()).filter(Boolean)) {
    if (/^curl: \(\d+\) .+$/.test(line)) errors.push(line);
    else unparsed.push(line);
  }
  const body = run.stdout.trim();
  let answeredBy: string | undefined;
  if (body) {
    try {
      const pod = (JSON.parse(body) as { pod?: unknown }).pod;
      if (typeof pod === 'string' && pod) answeredBy = pod;
      else unparsed.push(`body without a "pod" name: ${body.slice(0, 200)}`);
    } catch {
      unparsed.push(`body is not JSON: ${body.slice(0, 200)}`);
    }
  }
  const error = errors.join('; ') || (run.exitCode !== 0 ? `curl exited ${run.exitCode}` : !answeredBy ? 'empty reply' : undefined);
  // A reply that arrived whole is an answer, whatever else curl said; an error only counts when no pod answered.
  return { ...(answeredBy ? { answeredBy } : {}), ...(error && !answeredBy ? { error } : {}), unparsed };
}

const POD_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Parses the probes' UDP client (helpers/probes/udp-client.ts): `reply <seconds> <name>`, `error <call>: <strerror>`
 * or `timeout <seconds>` on stdout. An ICMP error the kernel hands back is named as such; only a timeout is "no reply".
 */
export function parseUdpPodReply(run: ClientRun): PodReply {
  const unparsed: string[] = [];
  let answeredBy: string | undefined;
  let elapsedS: number | undefined;
  let error: string | undefined;
  for (const line of run.stdout.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const reply = /^reply (\d+(?:\.\d+)?) (\S+)$/.exec(line);
    const failed = /^error (socket|send|recv): (.+)$/.exec(line);
    const timeout = /^timeout (\d+(?:\.\d+)?)$/.exec(line);
    if (reply && !answeredBy && POD_NAME.test(reply[2]!)) [answeredBy, elapsedS] = [reply[2]!, Number(reply[1])];
    else if (failed) error = `${failed[1]}: ${failed[2]}${ICMP_ERRORS[failed[2]!] ? ` (${ICMP_ERRORS[failed[2]!]})` : ''}`;
    else if (timeout) error = `no reply within ${timeout[1]} s of sending`;
    else unparsed.push(line);
  }
  for (const line of run.stderr.split('\n').map((l) => l.trim()).filter(Boolean)) unparsed.push(line);
  if (answeredBy) return { answeredBy, ...(elapsedS !== undefined ? { elapsedS } : {}), unparsed };
  return { error: error ?? (run.exitCode !== 0 ? `the UDP client exited ${run.exitCode}` : 'the UDP client printed no result'), unparsed };
}

/**
 * What the kernel's errno on a connected UDP socket means on the wire: the ICMP error that set it (Linux
 * net/ipv4/icmp.c@v6.18 icmp_err_convert: port unreachable -> ECONNREFUSED, host unreachable -> EHOSTUNREACH, net
 * unreachable -> ENETUNREACH, fragmentation needed -> EMSGSIZE), or a local route lookup that failed.
 */
const ICMP_ERRORS: Record<string, string> = {
  'Connection refused': 'ICMP port unreachable: nothing listens on that port',
  'No route to host': 'ICMP host unreachable, or no route on this host',
  'Network is unreachable': 'ICMP network unreachable, or no route on this host',
  'Message too long': 'ICMP fragmentation needed: the path MTU is smaller',
};
