/**
 * A command that the engine, the container or the API server did not answer: it never ran, or its end was never seen
 * (the container stopped, the Docker engine or the API server refused the connection or timed out). Nothing was
 * observed, so it is neither a datapath failure (FAIL) nor a harness bug (ERROR): a check that needed it is INCONCLUSIVE
 * with this cause (suites/verdict.ts). It is classified once, where commands run: the lab's exec agent
 * (clusters/lab/exec-agent.ts), `docker exec` into kind and attached nodes (clusters/kind/node.ts with
 * clusters/docker.ts), pod exec (clusters/kind/pods.ts) and kubectl (clusters/kind/kube-actions.ts). A command that ran
 * and failed (its exit status, its output, a binary the container does not have) is a result, never this.
 */
export class Unanswered extends Error {
  /** The command, as run (e.g. `ip -4 route show`). */
  readonly command: string;
  /** Where it was sent (e.g. `container cc-1-node-a`, `context kind-c1`). */
  readonly where: string;
  /** What the engine, the client or the API server said, in its own words. */
  readonly said: string;
  constructor(command: string, where: string, said: string) {
    super(`${command} in ${where}: no answer: ${said}`);
    this.name = 'Unanswered';
    this.command = command;
    this.where = where;
    this.said = said;
  }
}

/**
 * The Unanswered an error is or was caused by (through `cause`, e.g. a control's failed apply), if any. An undo that
 * failed stays what it is (an error: the cluster may be left broken and is retired), whatever caused it.
 */
export function unansweredIn(error: unknown): Unanswered | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof Unanswered) return e;
    if (e.name === 'UndoFailed') return undefined;
  }
  return undefined;
}

/** The shortest form of a command for a message: its words, cut at 120 characters (scripts are long). */
export function commandText(argv: readonly string[]): string {
  const text = argv.join(' ').replace(/\s+/g, ' ');
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
