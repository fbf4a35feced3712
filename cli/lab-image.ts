import { ensureLabImage } from '../clusters/lab/image.ts';
import { parseArgs } from './args.ts';

const USAGE = `usage: npm run lab-image [-- --from-dockerfile]
Builds (or reuses) the lab node image. --from-dockerfile fails unless the image comes from images/lab/Dockerfile
(or was already built): the nightly workflow's runners reach the registry and must not fall back to debootstrap.`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { values: [], flags: ['from-dockerfile', 'help'] });
  if (args.flags.has('help')) { console.log(USAGE); return; }
  const image = await ensureLabImage((line) => console.log(`lab-image: ${line}`));
  console.log(`lab-image: ${image.tag} ${image.how} in ${image.seconds}s`);
  if (args.flags.has('from-dockerfile') && image.how === 'debootstrap') throw new Error('built with debootstrap, not from images/lab/Dockerfile: the base image could not be pulled');
}

await main().catch((error: Error) => {
  console.error(`lab-image: ${error.message}\n${USAGE}`);
  process.exit(1);
});
