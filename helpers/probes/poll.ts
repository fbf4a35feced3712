/**
 * Polls `outstanding` until it returns nothing, or throws after `deadlineMs` naming what was still awaited.
 * Each round waits `intervalMs` only between checks, never before the first.
 */
export async function pollUntilDone(what: string, outstanding: () => Promise<string[]>, deadlineMs = 60_000, intervalMs = 250): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const left = await outstanding();
    if (left.length === 0) return;
    if (Date.now() >= until) {
      throw new Error(`${what}: not done after ${Math.round(deadlineMs / 1000)} s; still waiting for:\n${left.map((l) => `  - ${l}`).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
