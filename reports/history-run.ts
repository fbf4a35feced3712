import { readFile, writeFile } from 'node:fs/promises';

/**
 * Allure's history file holds one JSON line per report build. Allure 3 copies the kept lines byte for byte and appends
 * the new build's line last (@allurereport/core@3.18.0 dist/history.js appendHistory; readHistory JSON.parses each line
 * whole), so a field of our own on a line survives later builds. The nightly keys its line by the GitHub run id: a
 * re-run of the same night (a new attempt, same run id) replaces that night's line instead of adding a second one.
 */
export const HISTORY_RUN_FIELD = 'cniConformanceRun';

const readLines = async (file: string) => ((await readFile(file, 'utf8').catch(() => '')).split('\n').filter((l) => l.trim()));

function runOf(line: string, file: string, index: number): unknown {
  try {
    return (JSON.parse(line) as Record<string, unknown>)[HISTORY_RUN_FIELD];
  } catch (e) {
    throw new Error(`${file}: line ${index + 1} is not JSON (${(e as Error).message})`);
  }
}

/** Drops the lines an earlier attempt of `run` left; returns how many lines stay. */
export async function dropRunFromHistory(file: string, run: string): Promise<number> {
  const lines = await readLines(file);
  const kept = lines.filter((line, i) => runOf(line, file, i) !== run);
  if (kept.length !== lines.length) await writeFile(file, kept.map((l) => `${l}\n`).join(''));
  return kept.length;
}

/** Marks the line Allure appended (the last, once there are more than `before`) as `run`'s. */
export async function tagHistoryRun(file: string, before: number, run: string): Promise<void> {
  const lines = await readLines(file);
  if (lines.length <= before) throw new Error(`${file}: Allure appended no history line (${lines.length} lines, ${before} before the build)`);
  lines[lines.length - 1] = JSON.stringify({ ...(JSON.parse(lines.at(-1)!) as object), [HISTORY_RUN_FIELD]: run });
  await writeFile(file, lines.map((l) => `${l}\n`).join(''));
}
