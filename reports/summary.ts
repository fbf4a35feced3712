import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { outDir } from './out-dir.ts';

/**
 * `npm run summary -- [SITE]`: the merged matrix as Markdown, appended to $GITHUB_STEP_SUMMARY when set (the nightly
 * workflow's job summary), printed otherwise. SITE is a merged report's folder (default: the output folder).
 */
async function main(argv: string[]): Promise<void> {
  if (argv.length > 1) throw new Error(`expected at most one site folder, got ${argv.join(' ')}`);
  const file = join(argv[0] ?? outDir(), 'matrix.md');
  const markdown = await readFile(file, 'utf8').catch(() => { throw new Error(`${file}: missing; build it first with npm run report (-- --merge DIR ...)`); });
  const target = process.env.GITHUB_STEP_SUMMARY;
  if (target) {
    await appendFile(target, markdown);
    console.log(`summary: ${file} appended to the job summary`);
  } else process.stdout.write(markdown);
}

await main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`summary: ${error.message}`);
  process.exit(2);
});
