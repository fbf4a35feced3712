import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { versions } from '../versions.ts';
import { generateAllure, HISTORY_LIMIT, type GeneratedReport, type ReportForm } from './allure-generate.ts';
import { appendConvergenceHistory, convergenceHistoryPath, readConvergenceHistory } from './convergence.ts';
import { matrixHtml } from './matrix-html.ts';
import { matrixMarkdown } from './matrix-md.ts';
import { attachmentsOf, buildMatrix, type AllureResult, type Matrix, type RequestedRun } from './matrix.ts';
import { dropRunFromHistory, tagHistoryRun } from './history-run.ts';
import { openLines } from './open-lines.ts';
import { parseJsonFile, readJsonFile } from './json-file.ts';
import { readRunMeta, type RunMeta } from './run-meta.ts';
import { TOPOLOGY_ATTACHMENT } from './topology/attach.ts';

/** One result folder: a run's output folder (allure-results/ and run.json inside) or an allure-results folder itself. */
export interface ResultSource {
  dir: string;
  /** The allure-results folder; absent when the run ended before any result (requested.json only). */
  results?: string;
  meta?: RunMeta;
  requested?: RequestedRun;
}

export const REQUESTED = 'requested.json';

const readRequested = (dir: string) => readJsonFile<RequestedRun>(join(dir, REQUESTED));

const isDir = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);

export async function resolveSource(dir: string): Promise<ResultSource> {
  const abs = resolve(dir);
  if (!(await isDir(abs))) throw new Error(`result folder ${dir}: does not exist or is not a folder`);
  const nested = join(abs, 'allure-results');
  const results = (await isDir(nested)) ? nested : abs;
  const files = await readdir(results).catch(() => [] as string[]);
  const requested = await readRequested(abs);
  const hasResults = files.some((f) => f.endsWith('-result.json'));
  if (!hasResults && !requested) {
    throw new Error(`result folder ${dir}: no Allure results (*-result.json) in ${results}; pass a run's output folder (with allure-results/) or an allure-results folder`);
  }
  const meta = (await readRunMeta(abs)) ?? (results === abs ? await readRunMeta(join(abs, '..')) : undefined);
  return { dir: abs, ...(hasResults ? { results } : {}), ...(meta ? { meta } : {}), ...(requested ? { requested } : {}) };
}

const isResultFolder = async (dir: string) =>
  (await isDir(join(dir, 'allure-results'))) || (await readdir(dir).catch(() => [] as string[])).some((f) => f.endsWith('-result.json') || f === REQUESTED);

/**
 * Each named folder that is a result folder, else the result folders directly inside it: a folder of downloaded CI
 * artifacts. actions/download-artifact puts several artifacts in <path>/<artifact name>/ but a single one straight into
 * <path> (src/download-artifact.ts@v8.0.1: `artifacts.length === 1 ? resolvedPath : path.join(resolvedPath, artifact.name)`),
 * so the report job passes the download folder itself and both layouts merge. A folder holding neither stays as it is
 * (resolveSource says what is wrong with it).
 */
export async function expandSources(dirs: readonly string[]): Promise<string[]> {
  const expanded = await Promise.all(dirs.map(async (dir) => {
    if (!(await isDir(dir)) || (await isResultFolder(dir))) return [dir];
    const inner = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(dir, e.name)).sort();
    const results = (await Promise.all(inner.map(async (d) => ((await isResultFolder(d)) ? [d] : [])))).flat();
    return results.length ? results : [dir];
  }));
  return expanded.flat();
}

/** The versions the matrix header names, from versions.ts. */
export function pinnedVersions(): Record<string, string> {
  return {
    Cilium: versions.cilium.chart, Calico: versions.calico.release, 'Calico VPP': versions.calicoVpp.release, flannel: versions.flannel.release,
    kind: versions.kind.kind, 'node image': versions.kind.nodeImage.split('@')[0]!, kubectl: versions.kind.kubectl, 'lab base': versions.lab.debianBaseImage,
  };
}

async function readResults(source: ResultSource): Promise<Array<AllureResult & { dir: string }>> {
  const dir = source.results;
  if (!dir) return [];
  const files = (await readdir(dir)).filter((f) => f.endsWith('-result.json'));
  return Promise.all(files.map(async (f) => {
    const file = join(dir, f);
    return { ...parseJsonFile<AllureResult>(await readFile(file, 'utf8'), file), dir };
  }));
}

export interface MergeOptions {
  sources: string[];
  /** Where the site goes: index.html (the matrix), matrix.html/.md/.json, allure-report/, topology/. */
  out: string;
  /**
   * Allure's history file (JSON lines), read and appended so the report shows trends; kept between nightly runs. The
   * negative controls' break and heal times go beside it (convergence-history.jsonl), for the matrix's trend and flags.
   */
  history?: string;
  /** The build's key in the history (the nightly's GitHub run id): an earlier build with the same key is replaced. */
  historyRun?: string;
  /** Every profile the run asked for (qualified names): each gets a column, "no result" where nothing came back. */
  expected?: string[];
  /** The report's form: auto (the default) writes one file that opens from disk when it fits, else a folder to serve. */
  form?: ReportForm | 'auto';
  /** Largest single file in auto form (bytes; default SINGLE_FILE_LIMIT). */
  singleFileLimit?: number;
  log?: (line: string) => void;
}

export interface MergeResult {
  index: string;
  report: string;
  markdown: string;
  matrix: Matrix;
  results: number;
  /** How the report was written (absent when no folder held a result); `open` says what to open or run, for the end of a run. */
  generated?: GeneratedReport;
  open: string[];
}

/**
 * Merges result folders of several runs or machines into one Allure report and one matrix. The same code runs
 * for `npm run report`, `npm run report -- --merge DIR ...`, `npm run matrix` and the nightly workflow's report job.
 */
export async function mergeReport(options: MergeOptions): Promise<MergeResult> {
  const log = options.log ?? console.log;
  if (options.sources.length === 0) throw new Error('nothing to merge: name at least one result folder');
  const sources = await Promise.all((await expandSources(options.sources)).map(resolveSource));
  const out = resolve(options.out);
  const results = (await Promise.all(sources.map(readResults))).flat();
  const started = performance.now();
  const report = join(out, 'allure-report');
  await rm(report, { recursive: true, force: true });
  await rm(join(out, 'topology'), { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const resultDirs = sources.flatMap((s) => (s.results ? [s.results] : []));
  const history = options.history && options.historyRun ? { file: resolve(options.history), run: options.historyRun } : undefined;
  const historyBefore = history ? await dropRunFromHistory(history.file, history.run) : 0;
  const generated = resultDirs.length
    ? await generateAllure({
      resultDirs, report, config: join(out, '.allurerc.generated.mjs'), form: options.form ?? 'auto',
      ...(options.history ? { history: resolve(options.history) } : {}), ...(options.singleFileLimit ? { limit: options.singleFileLimit } : {}),
    })
    : undefined;
  if (generated && history) await tagHistoryRun(history.file, historyBefore, history.run);
  if (!generated) log('report: no results in any folder (every run ended before its first test): the matrix lists the profiles asked for');

  const topologies = await copyTopologies(results, join(out, 'topology'));
  const runs = sources.flatMap((s) => (s.meta ? [s.meta] : []));
  const requested = sources.flatMap((s) => (s.requested ? [s.requested] : []));
  const convergenceHistory = options.history ? await readConvergenceHistory(convergenceHistoryPath(resolve(options.history))) : undefined;
  const matrix = buildMatrix({
    results, runs, requested, ...(options.expected ? { expected: options.expected } : {}), topologies, versions: pinnedVersions(), convergenceHistory: convergenceHistory?.runs ?? [],
  });
  if (convergenceHistory) await appendConvergenceHistory(convergenceHistory, runs, matrix.generatedAt, HISTORY_LIMIT);
  const html = matrixHtml(matrix, { reportIsFolder: generated?.form === 'directory' });
  const markdown = matrixMarkdown(matrix);
  await writeFile(join(out, 'index.html'), html);
  await writeFile(join(out, 'matrix.html'), html);
  await writeFile(join(out, 'matrix.md'), markdown);
  await writeFile(join(out, 'matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
  log(`report: ${results.length} results from ${sources.length} folder${sources.length > 1 ? 's' : ''}, ${matrix.columns.length} profiles, built in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  const open = openLines({ out, ...(generated ? { generated } : {}) });
  return { index: join(out, 'index.html'), report: join(report, 'index.html'), markdown, matrix, results: results.length, ...(generated ? { generated } : {}), open };
}

/** Each profile's topology picture (the latest one attached) copied to topology/<provider>-<profile>.svg. */
async function copyTopologies(results: Array<AllureResult & { dir: string }>, to: string): Promise<Record<string, string>> {
  const found = new Map<string, { file: string; stop: number }>();
  for (const r of results) {
    const attachment = attachmentsOf(r).find((a) => a.name === TOPOLOGY_ATTACHMENT);
    const provider = r.labels.find((l) => l.name === 'provider')?.value;
    const profile = r.labels.find((l) => l.name === 'profile')?.value;
    if (!attachment || !provider || !profile) continue;
    const key = `${provider}/${profile}`;
    if ((found.get(key)?.stop ?? -1) <= (r.stop ?? 0)) found.set(key, { file: join(r.dir, attachment.source), stop: r.stop ?? 0 });
  }
  const hrefs: Record<string, string> = {};
  if (found.size) await mkdir(to, { recursive: true });
  for (const [key, { file }] of found) {
    const name = `${key.replace('/', '-')}.svg`;
    await copyFile(file, join(to, name));
    hrefs[key] = `topology/${name}`;
  }
  return hrefs;
}
