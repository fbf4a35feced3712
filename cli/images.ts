import { buildKindNode, buildProbeImage, defaultCache } from '../images/from-source/build.ts';
import { unbuildable } from '../images/from-source/catalog.ts';
import { buildCalicoImages, proveCalicoImages } from '../images/from-source/calico-build.ts';
import { reportCalicoSources } from '../images/from-source/calico-sources.ts';
import { selectProfiles } from '../reports/select-profiles.ts';
import { versions } from '../versions.ts';
import { parseArgs } from './args.ts';

const USAGE = `usage: npm run images -- [--cache DIR] PROFILE|GLOB ...
Builds, from Go modules at the versions in versions.ts plus Debian packages, the images a kind profile needs where no
registry serves them (podman, root, debootstrap, go and gcc required); images already built from the same inputs are
reused. Every image carries the label io.cni-conformance.built-from-source=true and the module versions it came from.`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { values: ['cache'], flags: ['help'] });
  if (args.flags.has('help') || args.positional.length === 0) { console.log(USAGE); return; }
  const profiles = selectProfiles(args.positional);
  const notKind = profiles.filter((p) => p.provider !== 'kind');
  if (notKind.length) throw new Error(`images are built for kind profiles only; not kind: ${notKind.map((p) => p.name).join(', ')}`);
  const log = (line: string) => console.log(`images: ${line}`);
  const cache = args.values.cache ?? defaultCache;
  const node = await buildKindNode(cache, log);
  const probe = await buildProbeImage(cache, log);
  for (const s of [...node.steps, ...probe.steps]) console.log(`images: ${s.how.padEnd(6)} ${String(s.seconds).padStart(7)}s ${s.what}`);
  for (const [k, v] of Object.entries(node.probes)) console.log(`images: probe ${k}=${v}`);
  console.log(`images: node image ${node.image} ready; probe image ${probe.image}: kind load image-archive ${probe.archive}`);
  for (const cni of new Set(profiles.map((p) => p.cni))) {
    if (cni === 'calico') {
      if (!(await reportCalicoSources(log))) continue;
      const calico = await buildCalicoImages(cache, log);
      for (const s of calico.steps) console.log(`images: ${s.how.padEnd(6)} ${String(s.seconds).padStart(7)}s ${s.what}`);
      for (const p of await proveCalicoImages(calico)) console.log(`images: proof ${p.what}:\n${p.output.replace(/^/gm, '    ')}`);
      console.log(`images: calico images ready: kind load image-archive ${calico.archives.join(' ')}`);
      console.log(`images: calicoctl ${versions.calico.fromSource.release}: ${calico.calicoctl}`);
      continue;
    }
    const missing = Object.entries(unbuildable[cni] ?? {});
    for (const [image, why] of missing) console.log(`images: cannot build ${image} (${cni}): ${why}`);
    if (!missing.length) console.log(`images: ${cni} images are not built by this command yet`);
  }
}

await main().catch((error: Error) => {
  console.error(`images: ${error.message}\n${USAGE}`);
  process.exit(1);
});
