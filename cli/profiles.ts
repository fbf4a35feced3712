import { matrixEntry, selectProfiles } from '../reports/select-profiles.ts';
import { parseArgs } from './args.ts';

const USAGE = `usage: npm run -s profiles -- [--provider lab|kind] [--] [PROFILE|GLOB ...]
Prints the selected profiles as one JSON line (the nightly workflow's matrix reads it with fromJSON).
After --, every argument is a profile or glob (the workflow passes its dispatch input there).`;

/** The workflow's matrix comes from here, so the workflow never drifts from the project's profile list. */
function main(): void {
  const args = parseArgs(process.argv.slice(2), { values: ['provider'], flags: ['help'] });
  if (args.flags.has('help')) { console.log(USAGE); return; }
  const provider = args.values.provider;
  if (provider !== undefined && provider !== 'lab' && provider !== 'kind') throw new Error(`--provider ${provider}: expected lab or kind`);
  const selected = selectProfiles(args.positional).filter((p) => !provider || p.provider === provider);
  process.stdout.write(`${JSON.stringify(selected.map(matrixEntry))}\n`);
}

try {
  main();
} catch (error) {
  console.error(`profiles: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
