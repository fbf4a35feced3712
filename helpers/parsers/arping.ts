/** The result of one iputils `arping` run (iputils 20221126, arping.c). */
export interface ArpingResult {
  /** ARP requests sent, and how many of them as link-level broadcasts. */
  sent: number;
  broadcasts: number;
  received: number;
  /** Each answer: the address it is for, the MAC that answered (lower case), unicast or broadcast. */
  replies: Array<{ address: string; mac: string; kind: 'unicast' | 'broadcast' }>;
  /** Lines this parser does not understand (errors such as "arping: Device x not available."). */
  unparsed: string[];
}

const REPLY = /^(Unicast|Broadcast) reply from (\d+\.\d+\.\d+\.\d+) \[([0-9A-Fa-f:]{17})\]\s+[\d.]+ms$/;
const SENT = /^Sent (\d+) probes \((\d+) broadcast\(s\)\)$/;
const RECEIVED = /^Received (\d+) response\(s\)(?: \(.*\))?$/;
const BANNER = /^ARPING \d+\.\d+\.\d+\.\d+ from \d+\.\d+\.\d+\.\d+ \S*$/;

/** Parses arping's output; counts stay 0 when arping printed no summary (it could not send). */
export function parseArping(text: string): ArpingResult {
  const result: ArpingResult = { sent: 0, broadcasts: 0, received: 0, replies: [], unparsed: [] };
  for (const line of text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = REPLY.exec(line))) result.replies.push({ address: m[2]!, mac: m[3]!.toLowerCase(), kind: m[1] === 'Unicast' ? 'unicast' : 'broadcast' });
    else if ((m = SENT.exec(line))) { result.sent = Number(m[1]); result.broadcasts = Number(m[2]); }
    else if ((m = RECEIVED.exec(line))) result.received = Number(m[1]);
    else if (!BANNER.test(line)) result.unparsed.push(line);
  }
  return result;
}
