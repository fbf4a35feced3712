/** The summary of an iputils `ping` run. */
export interface PingSummary {
  transmitted: number;
  received: number;
}

/** Parses the `N packets transmitted, M received` line; undefined when ping printed none (e.g. no route). */
export function parsePing(text: string): PingSummary | undefined {
  const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(text);
  return m ? { transmitted: Number(m[1]), received: Number(m[2]) } : undefined;
}
