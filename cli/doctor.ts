/** npm run doctor [-- --offline]: what kind needs on this machine, each problem with its fix. */
import { formatFindings, runDoctor } from '../clusters/doctor/index.ts';
import { parseArgs } from './args.ts';

const USAGE = `usage: npm run doctor -- [--offline]
Checks what kind profiles need here: Docker engine and API, cgroup v2, inotify limits, free disk, kernel modules,
the pinned images (present, or pullable with their size; --offline skips the registry), host tools against the pins,
and the kind network's subnet. Exits 1 when something would make a kind run fail.`;

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), { values: [], flags: ['offline', 'help'] });
  if (args.flags.has('help')) { console.log(USAGE); return 0; }
  const findings = await runDoctor({ registry: !args.flags.has('offline') });
  console.log(formatFindings(findings));
  const failed = findings.filter((f) => f.status === 'fail');
  const warned = findings.filter((f) => f.status === 'warn');
  console.log(`\ndoctor: ${failed.length} problem(s) that stop kind runs, ${warned.length} warning(s)${failed.length === 0 ? '; kind can run here' : ''}`);
  return failed.length > 0 ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  console.error(`doctor: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exitCode = 2;
});
