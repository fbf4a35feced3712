import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureToolbox, loadImage, saveImage, toolboxTag } from '../clusters/kind/toolbox.ts';
import { parseArgs } from './args.ts';

const USAGE = `usage: npm run toolbox -- --save FILE | --load FILE
--save FILE  builds the kind toolbox image from images/toolbox/Dockerfile when absent and writes it to FILE (docker save)
--load FILE  loads FILE (docker load) and checks it holds this checkout's toolbox tag, which kind runs then reuse;
             a missing FILE is a warning (the kind run builds the image itself)
The nightly workflow builds the toolbox once and hands it to every kind job this way.`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { values: ['save', 'load'], flags: ['help'] });
  if (args.flags.has('help')) { console.log(USAGE); return; }
  const { save, load } = args.values;
  if (args.positional.length || (save === undefined) === (load === undefined)) throw new Error('give exactly one of --save FILE or --load FILE');
  const tag = toolboxTag();
  if (save !== undefined) {
    await ensureToolbox((line) => console.log(`toolbox: ${line}`));
    await mkdir(dirname(save), { recursive: true });
    await saveImage(tag, save);
    console.log(`toolbox: ${tag} saved to ${save}`);
    return;
  }
  if (!existsSync(load!)) {
    // ::warning:: is a workflow command: GitHub shows it on the run's summary (docs.github.com, workflow commands).
    console.log(`::warning::toolbox: ${load} is missing (the toolbox job's artifact expired or was not downloaded); the kind run builds ${tag} itself`);
    return;
  }
  await loadImage(tag, load!);
  console.log(`toolbox: ${tag} loaded from ${load}`);
}

await main().catch((error: Error) => {
  console.error(`toolbox: ${error.message}\n${USAGE}`);
  process.exit(1);
});
