/** The summary of an iputils `ping` run. */
export interface PingSummary {
  transmitted: number;
  received: number;
  /** `+N errors`: ICMP errors received and local send errors (e.g. message too long). */
  errors?: number;
  duplicates?: number;
  corrupted?: number;
  lossPercent?: number;
  rtt?: { min: number; avg: number; max: number; mdev: number };
}

/** Everything an iputils `ping` printed (stdout and stderr), line by line. */
export interface PingOutput {
  summary?: PingSummary;
  /** ICMP payload and IP packet size from the `PING x (x) 56(84) bytes of data.` line. */
  size?: { payload: number; packet: number };
  /** `From <router> icmp_seq=N <message>` and `ping: <error>` lines, as printed. */
  errorLines: string[];
  /** The smallest MTU an error named (`Frag needed and DF set (mtu = 1400)`, `local error: message too long, mtu=1400`). */
  reportedMtu?: number;
  /** Lines the parser does not know; the probe reports them rather than dropping them. */
  unparsed: string[];
}

// iputils ping/ping_common.c finish(): "received", then ", +N duplicates", ", +N corrupted", ", +N errors", ", P% packet loss", ", time Tms".
const SUMMARY = /^(\d+) packets transmitted, (\d+) (?:packets )?received((?:, [^,]+)*)$/;
const KNOWN: RegExp[] = [
  /^\d+ bytes from \S+: icmp_seq=\d+ ttl=\d+ time=[\d.]+ ms(?: \(DUP!\))?$/,
  /^--- \S+ ping statistics ---$/,
  /^pipe \d+$/,
  /^\(exit \d+\)$/,
];

/** Parses iputils ping output (tested on iputils 20221126, Debian bookworm); see the fixtures' SOURCES.md. */
export function parsePingOutput(text: string): PingOutput {
  const out: PingOutput = { errorLines: [], unparsed: [] };
  const mtus: number[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const header = /^PING \S+ \(\S+\) (\d+)\((\d+)\) bytes of data\.$/.exec(line);
    if (header) {
      out.size = { payload: Number(header[1]), packet: Number(header[2]) };
      continue;
    }
    const summary = SUMMARY.exec(line);
    if (summary) {
      const s: PingSummary = { transmitted: Number(summary[1]), received: Number(summary[2]), errors: 0, duplicates: 0 };
      for (const part of (summary[3] ?? '').split(', ').filter(Boolean)) {
        const counter = /^\+(\d+) (duplicates|errors|corrupted)$/.exec(part);
        const loss = /^([\d.]+)% packet loss$/.exec(part);
        if (counter) s[counter[2] as 'duplicates' | 'errors' | 'corrupted'] = Number(counter[1]);
        else if (loss) s.lossPercent = Number(loss[1]);
        else if (!/^time \d+ms$/.test(part)) out.unparsed.push(`summary part "${part}"`);
      }
      out.summary = s;
      continue;
    }
    // finish() appends ", pipe N" to the rtt line when N probes were in flight at once (a fast burst on a busy machine).
    const rtt = /^rtt min\/avg\/max\/mdev = ([\d.]+)\/([\d.]+)\/([\d.]+)\/([\d.]+) ms(?:, pipe \d+)?$/.exec(line);
    if (rtt) {
      if (out.summary) out.summary.rtt = { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]), mdev: Number(rtt[4]) };
      else out.unparsed.push(line);
      continue;
    }
    if (/^From \S+ icmp_seq=\d+ .+$/.test(line) || /^ping: .+$/.test(line)) {
      out.errorLines.push(line);
      const mtu = /mtu ?= ?(\d+)/.exec(line);
      if (mtu) mtus.push(Number(mtu[1]));
      continue;
    }
    if (!KNOWN.some((re) => re.test(line))) out.unparsed.push(line);
  }
  if (mtus.length > 0) out.reportedMtu = Math.min(...mtus);
  return out;
}

/** The `N packets transmitted, M received` summary; undefined when ping printed none (e.g. no route). */
export function parsePing(text: string): PingSummary | undefined {
  return parsePingOutput(text).summary;
}
