import { copyFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { deferAppScriptIn } from './defer-app-script.ts';

const root = new URL('../', import.meta.url).pathname;
/** Builds Allure's history keeps (a nightly's two months of trend); older entries are dropped. */
export const HISTORY_LIMIT = 60;

/**
 * The largest single-file report written; a larger one is written as a folder, to be served. Measured here (headless
 * Chromium from file://, 2 cores under a load of about 20): calico-lab (16 results) 4.7 MB, test list in 2-3 s; every lab
 * profile (`lab/*`, 159 results) 13.0 MB, 3-4 s; all of `npm test` (1067 results) 20.4 MB, 3-6 s (up to 20 s with
 * history); the same with 16 times the attachments 124 MB, 7-14 s and a 240 MB JavaScript heap. Every lab run fits; a
 * merged nightly with kind's attachments may not, and Pages serves it anyway.
 */
export const SINGLE_FILE_LIMIT = 32_000_000;

/** single-file: allure-report/index.html holds everything and opens from disk; directory: data files beside it, served. */
export type ReportForm = 'single-file' | 'directory';

export interface GeneratedReport {
  form: ReportForm;
  /** Size of index.html when single-file; of the single-file attempt when it was too large (undefined if Allure refused). */
  singleFileBytes?: number;
  /** Why the report is a folder, when it is one. */
  why?: string;
}

export interface GenerateOptions {
  resultDirs: string[];
  report: string;
  /** Where the generated config goes (removed afterwards). */
  config: string;
  history?: string;
  /** auto (the default): single-file up to `limit` bytes, else a folder. */
  form?: ReportForm | 'auto';
  limit?: number;
}

/**
 * The awesome plugin's `singleFile` option (@allurereport/plugin-awesome@3.18.0 dist/plugin.js: an InMemoryReportDataWriter,
 * then dist/generators.js generateStaticFiles inlines the app as data: URLs and every data file, attachments included,
 * base64 in index.html through core-api's createReportDataScript; web-commons dist/data.js then reads
 * window.allureReportData instead of fetching). The CLI's --single-file belongs to `allure awesome`, not `generate`.
 */
async function writeConfig(file: string, singleFile: boolean, history?: string): Promise<void> {
  const base = JSON.stringify(pathToFileURL(join(root, 'allurerc.mjs')).href);
  const historyKeys = history ? `, historyPath: ${JSON.stringify(history)}, historyLimit: ${HISTORY_LIMIT}` : '';
  await writeFile(file, `import base from ${base};
const awesome = base.plugins.awesome;
export default { ...base, plugins: { ...base.plugins, awesome: { ...awesome, options: { ...awesome.options, singleFile: ${singleFile} } } }${historyKeys} };\n`);
}

async function runAllure(resultDirs: string[], report: string, config: string): Promise<{ ok: boolean; output: string }> {
  const run = await execa(process.execPath, [allureBin(), 'generate', ...resultDirs, '-o', report, '--config', config], { reject: false, cwd: root, all: true });
  return { ok: run.exitCode === 0, output: String(run.all ?? '') };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * Generates the Allure report: as one file that opens from disk when it fits, else as a folder to be served. The single
 * file is measured, not estimated: it is generated beside the report with a copy of the history, and kept (history
 * included) only when it fits, so a rejected attempt adds no history entry.
 */
export async function generateAllure(options: GenerateOptions): Promise<GeneratedReport> {
  const { resultDirs, report, config, history, form = 'auto', limit = SINGLE_FILE_LIMIT } = options;
  try {
    let why: string | undefined;
    let singleFileBytes: number | undefined;
    if (form !== 'directory') {
      const attempt = `${report}.single-file`;
      const attemptHistory = history ? `${history}.single-file` : undefined;
      await rm(attempt, { recursive: true, force: true });
      if (history && attemptHistory) await copyFile(history, attemptHistory).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
      await writeConfig(config, true, attemptHistory);
      const run = await runAllure(resultDirs, attempt, config);
      if (run.ok) await deferAppScriptIn(join(attempt, 'index.html'));
      singleFileBytes = run.ok ? (await stat(join(attempt, 'index.html'))).size : undefined;
      // generateStaticFiles says this and exits 1 when the page exceeds what a string can hold (its RangeError).
      if (!run.ok && !run.output.includes('too large to be generated in the single file mode')) throw new Error(`failed to generate the Allure report: ${run.output}`);
      if (singleFileBytes !== undefined && (form === 'single-file' || singleFileBytes <= limit)) {
        await rename(attempt, report);
        if (history && attemptHistory) await rename(attemptHistory, history);
        return { form: 'single-file', singleFileBytes };
      }
      await rm(attempt, { recursive: true, force: true });
      if (attemptHistory) await rm(attemptHistory, { force: true });
      why = singleFileBytes === undefined ? 'too large for one file (Allure refused it)' : `as one file it would be ${mb(singleFileBytes)}, over ${mb(limit)}`;
    }
    await writeConfig(config, false, history);
    const run = await runAllure(resultDirs, report, config);
    if (!run.ok) throw new Error(`failed to generate the Allure report: ${run.output}`);
    return { form: 'directory', ...(singleFileBytes !== undefined ? { singleFileBytes } : {}), why: why ?? 'asked for a folder' };
  } finally {
    await rm(config, { force: true });
  }
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
