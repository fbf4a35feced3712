/** What a pod server answered to one request (TCP: curl, UDP: socat); the shared pod-server contract. */
export interface PodReply {
  /** The pod name the reply carries; undefined when nothing (or nothing readable) came back. */
  answeredBy?: string;
  /** Why there is no answer, in the client's own words (curl's `curl: (28) ...`, socat's `E ...`, or a timeout). */
  error?: string;
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

/** socat's own log lines: `2026/12/01 08:52:32 socat[470] E read(5, ...): Connection refused`. */
const SOCAT_LOG = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d socat\[\d+\] ([DINWEF]) (.+)$/;
const POD_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Parses `socat -t0 -T<s> UDP:<pod>:8081 'SYSTEM:echo x; head -n1 >&2'`: the first reply line lands on stderr
 * beside socat's own log lines; no reply within the inactivity timeout leaves stderr empty with exit 0.
 */
export function parseUdpPodReply(run: ClientRun, timeoutS: number): PodReply {
  const unparsed: string[] = [];
  const errors: string[] = [];
  let answeredBy: string | undefined;
  for (const line of run.stderr.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const log = SOCAT_LOG.exec(line);
    if (log) {
      if (log[1] === 'E' || log[1] === 'F') errors.push(log[2]!);
      else if (log[1] === 'W') unparsed.push(line);
    } else if (!answeredBy && POD_NAME.test(line)) answeredBy = line;
    else unparsed.push(line);
  }
  for (const line of run.stdout.split('\n').map((l) => l.trim()).filter(Boolean)) unparsed.push(line);
  const error = errors.join('; ') || (run.exitCode !== 0 ? `socat exited ${run.exitCode}` : `no reply within ${timeoutS} s`);
  return { ...(answeredBy ? { answeredBy } : { error }), unparsed };
}
