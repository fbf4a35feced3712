import { join } from 'node:path';
import { parseArgs } from '../cli/args.ts';
import { getProfile, qualifiedName } from '../clusters/profiles/index.ts';
import { mergeReport } from './merge.ts';
import { outDir } from './out-dir.ts';

const USAGE = `usage: npm run report [-- --merge DIR [DIR ...]] [--out DIR] [--history FILE]
Without --merge: rebuilds the report of the last run (reports/out, or CNI_CONFORMANCE_OUT).
--merge DIR ...  merges result folders of several runs or machines (each a run's output folder or an allure-results folder,
                 or a folder of them: a download of several CI artifacts)
--out DIR        where the site goes (default: the output folder): index.html (matrix), allure-report/, topology/
--history FILE   Allure history (JSON lines), read and appended (default: <out>/history.jsonl)
--history-run ID this build's key in the history (the nightly passes its run id): a build with the same key is replaced
--requested LIST every profile the run asked for (space or comma separated): each gets a column, "no result" where
                 nothing came back
The matrix's Markdown (<out>/matrix.md) goes to a job summary with npm run summary -- <out>.`;

/** Builds the Allure HTML report (pure Node, no Java) and the matrix beside it, from the last run's results. */
export async function buildReport(log: (line: string) => void = console.log): Promise<{ report: string; matrix: string }> {
  const out = outDir();
  const merged = await mergeReport({ sources: [out], out, history: join(out, 'history.jsonl'), log });
  log(`\n${merged.markdown}`);
  return { report: merged.report, matrix: merged.index };
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ['out', 'history', 'history-run', 'requested'], flags: ['merge', 'help'] });
  if (args.flags.has('help')) { console.log(USAGE); return; }
  if (!args.flags.has('merge') && args.positional.length > 0) throw new Error(`unexpected ${args.positional.join(' ')}: result folders go after --merge`);
  const out = args.values.out ?? outDir();
  const sources = args.flags.has('merge') ? args.positional : [outDir()];
  const historyRun = args.values['history-run'];
  const requested = args.values.requested;
  await mergeReport({
    sources, out, history: args.values.history ?? join(out, 'history.jsonl'),
    ...(historyRun ? { historyRun } : {}), ...(requested !== undefined ? { expected: requestedProfiles(requested) } : {}),
  });
}

/** `--requested` names (the profiles jobs' lists): each a known profile, by name or provider/name. */
export function requestedProfiles(list: string): string[] {
  return list.split(/[\s,]+/).filter(Boolean).map((name) => qualifiedName(getProfile(name)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main(process.argv.slice(2)).catch((error: Error) => {
    console.error(`report: ${error.message}\n${USAGE}`);
    process.exit(2);
  });
}
