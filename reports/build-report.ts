import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { outDir } from './out-dir.ts';
import { buildMatrix, matrixHtml, matrixMarkdown, type AllureResult } from './matrix.ts';


/** Builds the Allure HTML report (pure Node, no Java) and the CNI x behaviour matrix beside it. */
export async function buildReport(log: (line: string) => void = console.log): Promise<{ report: string; matrix: string }> {
  const OUT = outDir();
  const RESULTS = join(OUT, 'allure-results');
  const REPORT = join(OUT, 'allure-report');
  const files = (await readdir(RESULTS).catch(() => [])).filter((f) => f.endsWith('-result.json'));
  if (files.length === 0) throw new Error(`failed to build the report: no results in ${RESULTS}; run npm test or npm run conformance first`);
  const results = await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(RESULTS, f), 'utf8')) as AllureResult));
  const started = performance.now();
  const generated = await execa('npx', ['allure', 'generate', RESULTS, '-o', REPORT, '--name', 'cni-conformance'], { reject: false, cwd: new URL('../', import.meta.url).pathname });
  if (generated.exitCode !== 0) throw new Error(`failed to generate the Allure report: ${String(generated.stderr || generated.stdout)}`);
  const matrix = buildMatrix(results);
  const md = matrixMarkdown(matrix);
  await writeFile(join(OUT, 'matrix.md'), md);
  await writeFile(join(OUT, 'matrix.html'), matrixHtml(matrix));
  log(`report: ${join(REPORT, 'index.html')} (${files.length} results, ${((performance.now() - started) / 1000).toFixed(1)}s)`);
  log(`matrix: ${join(OUT, 'matrix.html')}\n\n${md}`);
  return { report: join(REPORT, 'index.html'), matrix: join(OUT, 'matrix.html') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildReport().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
