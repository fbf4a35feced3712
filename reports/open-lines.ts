import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GeneratedReport } from './allure-generate.ts';

const defaultOut = join(new URL('../', import.meta.url).pathname, 'reports', 'out');
const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** The command that serves a site folder: `--out` named unless it is reports/out (CNI_CONFORMANCE_OUT may be gone from the shell). */
export function serveCommand(out: string): string {
  return `npm run report -- --open${resolve(out) === defaultOut ? '' : ` --out ${shellWord(resolve(out))}`}`;
}

/**
 * What the end of a run prints: the file:// URL to open when the report is one file (a browser opens it from disk,
 * and the matrix's links land in it), else the command that serves the folder form (its data is fetched, which
 * browsers refuse from file://).
 */
export function openLines(input: { out: string; generated?: GeneratedReport }): string[] {
  const out = resolve(input.out);
  const matrix = `matrix: ${pathToFileURL(join(out, 'index.html')).href}`;
  const g = input.generated;
  if (!g) return [matrix];
  if (g.form === 'single-file') {
    const size = g.singleFileBytes === undefined ? '' : `, ${(g.singleFileBytes / 1e6).toFixed(1)} MB`;
    return [matrix, `report: ${pathToFileURL(join(out, 'allure-report', 'index.html')).href} (one file${size}: opens from disk, as do the matrix's links)`];
  }
  return [
    `${matrix} (its links need the served report)`,
    `report: ${join(out, 'allure-report')}/ is a folder (${g.why}); browsers do not load its data from disk. Serve it: ${serveCommand(out)}`,
  ];
}
