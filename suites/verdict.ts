import { unansweredIn } from '../clusters/unanswered.ts';

/**
 * The three verdicts of a check. FAIL: the datapath does not behave (a failure confirmed by a second run).
 * INCONCLUSIVE: the harness could not observe it (a client the host never ran, a server that did not answer on its own
 * loopback either, the machine's ICMP replies lost everywhere, any command the engine, a container or the API server did
 * not answer: clusters/unanswered.ts); never a pass, counted apart, with its cause. ERROR: the
 * harness itself broke (a probe threw): vitest's failure of the test, Allure's "broken".
 * A problem the check could not observe is a problem string with UNOBSERVED in front, so that expectations stay
 * pure functions of strings and every message still names the pair, the protocol and the numbers.
 */
export const UNOBSERVED = 'could not observe: ';

/** A problem that says what could not be observed and why. */
export const unobserved = (problem: string, cause: string): string => `${UNOBSERVED}${problem} (${cause})`;

export const isUnobserved = (problem: string): boolean => problem.startsWith(UNOBSERVED);

export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** FAIL when any problem was observed; INCONCLUSIVE when every problem is one the check could not observe. */
export function verdictOf(problems: readonly string[]): Verdict {
  if (problems.length === 0) return 'pass';
  return problems.every(isUnobserved) ? 'inconclusive' : 'fail';
}

/** Thrown by a test body (caught by the suite, which marks the test INCONCLUSIVE and skips it with the causes). */
export class Inconclusive extends Error {
  readonly causes: string[];
  constructor(what: string, causes: string[]) {
    super(`INCONCLUSIVE: ${what}:\n${causes.map((c) => `  - ${c}`).join('\n')}`);
    this.name = 'Inconclusive';
    this.causes = causes;
  }
}

/** The Allure label an INCONCLUSIVE test carries; reports/allure-reporter.ts turns such a skip into Allure's "unknown". */
export const VERDICT_LABEL = 'verdict';

/**
 * A thrown error as the verdict it stands for: an Inconclusive stays one; a command the engine, a container or the API
 * server did not answer (clusters/unanswered.ts), however deep in `cause`, is INCONCLUSIVE naming that command, where
 * it went and what was said; anything else (a harness bug) is undefined: it stays an ERROR.
 */
export function inconclusiveOf(error: unknown, what: string): Inconclusive | undefined {
  if (error instanceof Inconclusive) return error;
  const unanswered = unansweredIn(error);
  return unanswered ? new Inconclusive(what, [unobserved(`${unanswered.command} in ${unanswered.where}`, unanswered.said)]) : undefined;
}
