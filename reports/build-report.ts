import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from '../cli/args.ts';
import { getProfile, qualifiedName } from '../clusters/profiles/index.ts';
import type { ReportForm } from './allure-generate.ts';
import { mergeReport } from './merge.ts';
import { outDir } from './out-dir.ts';
import { serve } from './serve.ts';

const USAGE = `usage: npm run report [-- --merge DIR [DIR ...]] [--out DIR] [--history FILE] [--single-file|--directory] [--open [--port N]]
Without --merge: rebuilds the report of the last run (reports/out, or CNI_CONFORMANCE_OUT).
--merge DIR ...  merges result folders of several runs or machines (each a run's output folder or an allure-results folder,
                 or a folder of them: a download of several CI artifacts)
--out DIR        where the site goes (default: the output folder): index.html (matrix), allure-report/, topology/
--history FILE   Allure history (JSON lines), read and appended (default: <out>/history.jsonl)
--history-run ID this build's key in the history (the nightly passes its run id): a build with the same key is replaced
--requested LIST every profile the run asked for (space or comma separated): each gets a column, "no result" where
                 nothing came back
--single-file    the Allure report as one index.html whatever its size (default: one file up to 32 MB, else a folder)
--directory      the Allure report as a folder (data files fetched by the page: it must be served)
--open           serves the site (--out DIR, default the output folder) on http://127.0.0.1 until Ctrl-C; without --merge
                 it serves what is there, without rebuilding. --port N (default: a free port)
The matrix's Markdown (<out>/matrix.md) goes to a job summary with npm run summary -- <out>.`;

/** Builds the Allure HTML report (pure Node, no Java) and the matrix beside it, from the last run's results; says what to open last. */
export async function buildReport(log: (line: string) => void = console.log): Promise<{ report: string; matrix: string }> {
  const out = outDir();
  const merged = await mergeReport({ sources: [out], out, history: join(out, 'history.jsonl'), log });
  log(`\n${merged.markdown}`);
  for (const line of merged.open) log(line);
  return { report: merged.report, matrix: merged.index };
}

/** Serves a built site on 127.0.0.1 until SIGINT/SIGTERM, printing the URLs of the matrix and the report. */
async function serveSite(site: string, port: number): Promise<void> {
  if (!existsSync(join(site, 'index.html'))) throw new Error(`--open: no site in ${site} (no index.html): npm run conformance, npm run matrix or npm run report builds one`);
  const { server, base } = await serve(site, port).catch((e: Error) => { throw new Error(`--open: failed to listen on 127.0.0.1:${port}: ${e.message}`); });
  console.log(`serving ${site} on ${base} (Ctrl-C stops it)`);
  console.log(`matrix: ${base}`);
  if (existsSync(join(site, 'allure-report', 'index.html'))) console.log(`report: ${base}allure-report/`);
  await new Promise<void>((done) => {
    // Browsers keep connections open: closing them lets close() return at once.
    const stop = () => { server.close(() => done()); server.closeAllConnections(); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('report: server stopped');
}

function formOf(flags: Set<string>): ReportForm | 'auto' {
  if (flags.has('single-file') && flags.has('directory')) throw new Error('--single-file and --directory exclude each other');
  return flags.has('single-file') ? 'single-file' : flags.has('directory') ? 'directory' : 'auto';
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ['out', 'history', 'history-run', 'requested', 'port'], flags: ['merge', 'help', 'open', 'single-file', 'directory'] });
  if (args.flags.has('help')) { console.log(USAGE); return; }
  if (!args.flags.has('merge') && args.positional.length > 0) throw new Error(`unexpected ${args.positional.join(' ')}: result folders go after --merge`);
  const port = Number(args.values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${args.values.port}: not a port number (0-65535)`);
  if (args.values.port !== undefined && !args.flags.has('open')) throw new Error('--port goes with --open');
  const out = resolve(args.values.out ?? outDir());
  const form = formOf(args.flags);
  // --open alone serves what the last run built; with --merge (or a form asked for) it builds first.
  if (!args.flags.has('open') || args.flags.has('merge') || form !== 'auto') {
    const sources = args.flags.has('merge') ? args.positional : [outDir()];
    const historyRun = args.values['history-run'];
    const requested = args.values.requested;
    const merged = await mergeReport({
      sources, out, history: args.values.history ?? join(out, 'history.jsonl'), form,
      ...(historyRun ? { historyRun } : {}), ...(requested !== undefined ? { expected: requestedProfiles(requested) } : {}),
    });
    if (!args.flags.has('open')) for (const line of merged.open) console.log(line);
  }
  if (args.flags.has('open')) await serveSite(out, port);
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
