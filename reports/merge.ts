import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { versions } from '../versions.ts';
import { appendConvergenceHistory, convergenceHistoryPath, readConvergenceHistory } from './convergence.ts';
import { matrixHtml } from './matrix-html.ts';
import { matrixMarkdown } from './matrix-md.ts';
import { attachmentsOf, buildMatrix, type AllureResult, type Matrix, type RequestedRun } from './matrix.ts';
import { dropRunFromHistory, tagHistoryRun } from './history-run.ts';
import { readRunMeta, type RunMeta } from './run-meta.ts';
import { TOPOLOGY_ATTACHMENT } from './topology/attach.ts';

const root = new URL('../', import.meta.url).pathname;
/** Builds Allure's history keeps (a nightly's two months of trend); older entries are dropped. */
const HISTORY_LIMIT = 60;

/** One result folder: a run's output folder (allure-results/ and run.json inside) or an allure-results folder itself. */
export interface ResultSource {
  dir: string;
  /** The allure-results folder; absent when the run ended before any result (requested.json only). */
  results?: string;
  meta?: RunMeta;
  requested?: RequestedRun;
}

export const REQUESTED = 'requested.json';

async function readRequested(dir: string): Promise<RequestedRun | undefined> {
  const text = await readFile(join(dir, REQUESTED), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as RequestedRun;
  } catch (e) {
    throw new Error(`${join(dir, REQUESTED)}: not JSON (${(e as Error).message})`);
  }
}

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
    const text = await readFile(join(dir, f), 'utf8');
    try {
      return { ...(JSON.parse(text) as AllureResult), dir };
    } catch (e) {
      throw new Error(`${join(dir, f)}: not JSON (${(e as Error).message})`);
    }
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
  log?: (line: string) => void;
}

export interface MergeResult {
  index: string;
  report: string;
  markdown: string;
  matrix: Matrix;
  results: number;
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
  const config = join(out, '.allurerc.generated.mjs');
  await writeFile(config, `import base from ${JSON.stringify(pathToFileURL(join(root, 'allurerc.mjs')).href)};\nexport default { ...base${options.history ? `, historyPath: ${JSON.stringify(resolve(options.history))}, historyLimit: ${HISTORY_LIMIT}` : ''} };\n`);
  const resultDirs = sources.flatMap((s) => (s.results ? [s.results] : []));
  const history = options.history && options.historyRun ? { file: resolve(options.history), run: options.historyRun } : undefined;
  const historyBefore = history ? await dropRunFromHistory(history.file, history.run) : 0;
  if (resultDirs.length) {
    const allure = allureBin();
    const generated = await execa(process.execPath, [allure, 'generate', ...resultDirs, '-o', report, '--config', config], { reject: false, cwd: root });
    if (generated.exitCode !== 0) {
      await rm(config, { force: true });
      throw new Error(`failed to generate the Allure report: ${String(generated.stderr || generated.stdout)}`);
    }
    if (history) await tagHistoryRun(history.file, historyBefore, history.run);
  } else log('report: no results in any folder (every run ended before its first test): the matrix lists the profiles asked for');
  await rm(config, { force: true });

  const topologies = await copyTopologies(results, join(out, 'topology'));
  const runs = sources.flatMap((s) => (s.meta ? [s.meta] : []));
  const requested = sources.flatMap((s) => (s.requested ? [s.requested] : []));
  const convergenceHistory = options.history ? await readConvergenceHistory(convergenceHistoryPath(resolve(options.history))) : [];
  const matrix = buildMatrix({ results, runs, requested, ...(options.expected ? { expected: options.expected } : {}), topologies, versions: pinnedVersions(), convergenceHistory });
  if (options.history) await appendConvergenceHistory(convergenceHistoryPath(resolve(options.history)), runs, matrix.generatedAt, HISTORY_LIMIT);
  const html = matrixHtml(matrix);
  const markdown = matrixMarkdown(matrix);
  await writeFile(join(out, 'index.html'), html);
  await writeFile(join(out, 'matrix.html'), html);
  await writeFile(join(out, 'matrix.md'), markdown);
  await writeFile(join(out, 'matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
  log(`report: ${join(report, 'index.html')} (${results.length} results from ${sources.length} folder${sources.length > 1 ? 's' : ''}, ${((performance.now() - started) / 1000).toFixed(1)}s)`);
  log(`matrix: ${join(out, 'index.html')} (${matrix.columns.length} profiles)`);
  return { index: join(out, 'index.html'), report: join(report, 'index.html'), markdown, matrix, results: results.length };
}

/**
 * allure's own bin (package.json "bin": ./cli.js, allure@3.18.0) run by this node: npx would first spend about 0.2 s
 * finding it. Its "exports" hide package.json, so the package folder is found from its main entry.
 */
function allureBin(): string {
  const main = createRequire(import.meta.url).resolve('allure');
  const at = main.lastIndexOf(`${sep}node_modules${sep}allure${sep}`);
  if (at < 0) throw new Error(`failed to find the allure package folder from ${main}`);
  return join(main.slice(0, at + `${sep}node_modules${sep}allure`.length), 'cli.js');
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
