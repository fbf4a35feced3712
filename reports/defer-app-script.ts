import { readFile, writeFile } from 'node:fs/promises';

/**
 * The awesome template (@allurereport/plugin-awesome@3.18.0 dist/generators.js: `template`, and `bodyTags` from
 * core-api's createScriptTag without async or defer) runs the app's script, inlined as a data: URL, before the inline
 * scripts of core-api@3.18.0 dist/static.js createReportDataScript have filled `window.allureReportData`. The app's first
 * requests go through web-commons@3.18.0 dist/data.js reportDataUrl, which checks `globalThis.allureReportData` without
 * waiting for it and otherwise fetches a file:// URL: when the parser yields between the two scripts (a busy machine;
 * always at a 10x CPU slowdown, measured here), the report shows "Failed to fetch". Deferred, the app runs once the
 * whole page is parsed, its data in place; it renders into #app and listens for DOMContentLoaded, both still there.
 */
const APP_SCRIPT = '<script   src="data:text/javascript;base64,';
const DEFERRED = '<script defer src="data:text/javascript;base64,';

export function deferAppScript(html: string): string {
  const at = html.indexOf(APP_SCRIPT);
  if (at < 0 || html.indexOf(APP_SCRIPT, at + 1) >= 0) {
    throw new Error(`the single-file report does not hold exactly one app script "${APP_SCRIPT}…": the awesome template changed (see reports/defer-app-script.ts)`);
  }
  return html.slice(0, at) + DEFERRED + html.slice(at + APP_SCRIPT.length);
}

export async function deferAppScriptIn(file: string): Promise<void> {
  await writeFile(file, deferAppScript(await readFile(file, 'utf8')));
}
