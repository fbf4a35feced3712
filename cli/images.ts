import { join } from 'node:path';
import { buildKindNode, buildProbeImage, defaultCache, goBinaries, installTools, linkTool, type Step } from '../images/from-source/build.ts';
import { buildCiliumImages, copyCiliumChart, proveCiliumImages } from '../images/from-source/cilium-build.ts';
import { cniImages } from '../images/from-source/catalog.ts';
import { buildCniImages, buildCniPluginsArchive, buildKubeFlannelYml, proveFlannelImages } from '../images/from-source/cni-build.ts';
import { buildCalicoImages, copyCalicoManifests, proveCalicoImages } from '../images/from-source/calico-build.ts';
import { reportCalicoSources } from '../images/from-source/calico-sources.ts';
import { selectProfiles } from '../reports/select-profiles.ts';
import { versions } from '../versions.ts';
import type { KindProfile } from '../clusters/kind/types.ts';
import { parseArgs } from './args.ts';

const USAGE = `usage: npm run images -- [--cache DIR] PROFILE|GLOB ...
Builds, from Go modules at the versions in versions.ts plus Debian packages, the images a kind profile needs where no
registry serves them (podman, root, debootstrap, go and gcc required); images already built from the same inputs are
reused. Every image carries the label io.cni-conformance.built-from-source=true and the module versions it came from.
For flannel profiles it also builds flannel's two images, the CNI plugins release archive and kube-flannel.yml; for Calico
profiles, calico.yaml's images, calicoctl, and calico.yaml and calico-vxlan.yaml from the calico module; for Cilium profiles,
the agent and operator-generic images with their archives, the chart folder of the cilium module, and helm. The kind path then
takes these from the cache instead of downloading them.`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { values: ['cache'], flags: ['help'] });
  if (args.flags.has('help') || args.positional.length === 0) { console.log(USAGE); return; }
  const profiles = selectProfiles(args.positional);
  const notKind = profiles.filter((p) => p.provider !== 'kind');
  const kindProfiles = profiles.filter((p): p is KindProfile => p.provider === 'kind');
  if (notKind.length) throw new Error(`images are built for kind profiles only; not kind: ${notKind.map((p) => p.name).join(', ')}`);
  const log = (line: string) => console.log(`images: ${line}`);
  const cache = args.values.cache ?? defaultCache;
  const node = await buildKindNode(cache, log);
  const probe = await buildProbeImage(cache, log);
  const toolSteps: Step[] = [];
  const tools = await installTools(cache, log, toolSteps);
  for (const s of [...node.steps, ...probe.steps, ...toolSteps]) console.log(`images: ${s.how.padEnd(6)} ${String(s.seconds).padStart(7)}s ${s.what}`);
  for (const [k, v] of Object.entries(node.probes)) console.log(`images: probe ${k}=${v}`);
  console.log(`images: node image ${node.image} ready; probe image ${probe.image}: kind load image-archive ${probe.archive}`);
  console.log(`images: kind and kubectl at their pins in ${tools}: export PATH=${tools}:$PATH`);
  for (const cni of new Set(profiles.map((p) => p.cni))) {
    if (cni === 'calico') {
      // calico.yaml's images at versions.calico (the manifest-installed profiles); calico-vpp's operator-installed Calico
      // cannot be built here (images/from-source/calico.md), which the proxy's answers show when it is asked for.
      const vpp = kindProfiles.some((p) => p.clusters.some((c) => c.install.cni === 'calico' && c.install.vpp));
      if (!(await reportCalicoSources(log, vpp))) continue;
      const calico = await buildCalicoImages(cache, log);
      const manifests = copyCalicoManifests(calico, cache);
      await linkTool(cache, calico.calicoctl);
      for (const s of calico.steps) console.log(`images: ${s.how.padEnd(6)} ${String(s.seconds).padStart(7)}s ${s.what}`);
      for (const p of await proveCalicoImages(calico)) console.log(`images: proof ${p.what}:\n${p.output.replace(/^/gm, '    ')}`);
      console.log(`images: calico ${versions.calico.release} images ready: ${calico.images.join(', ')}; local ${manifests.join(' and ')}`);
      console.log(`images: calicoctl ${versions.calico.calicoctl} in ${tools}`);
      continue;
    }
    if (cni === 'cilium') {
      // The agent and operator-generic images, the chart folder of the cilium module and helm (images/from-source/cilium.md).
      const cilium = await buildCiliumImages(cache, log);
      const chart = await copyCiliumChart(cache);
      const helm = await goBinaries(['helm'], cache, log, cilium.steps);
      await linkTool(cache, join(helm['helm']!.binDir, 'helm'));
      for (const s of cilium.steps) console.log(`images: ${s.how.padEnd(6)} ${String(s.seconds).padStart(7)}s ${s.what}`);
      for (const p of await proveCiliumImages()) console.log(`images: proof ${p.what}:\n${p.output.replace(/^/gm, '    ')}`);
      console.log(`images: cilium ${versions.cilium.chart} images ready: ${cilium.images.join(', ')}; archives ${cilium.archives.join(', ')}; chart ${chart}`);
      console.log(`images: helm ${versions.helm} in ${tools}`);
      continue;
    }
    if (!cniImages[cni]) { console.log(`images: ${cni} images are not built by this command yet`); continue; }
    const steps: Step[] = [];
    const built = await buildCniImages(cni, cache, log);
    steps.push(...built.steps);
    // flannel's kind plan downloads the CNI plugins archive and kube-flannel.yml: local builds of both, found by localSources().
    const archive = await buildCniPluginsArchive(cache, log, steps);
    const manifest = await buildKubeFlannelYml(cache, log, steps);
    for (const s of steps) console.log(`images: ${s.how.padEnd(6)} ${String(s.seconds).padStart(7)}s ${s.what}`);
    for (const p of await proveFlannelImages(manifest)) console.log(`images: proof ${p.what}:\n${p.output.replace(/^/gm, '    ')}`);
    console.log(`images: ${cni} images ready: ${built.images.join(', ')}; local ${archive} and ${manifest}`);
  }
}

await main().catch((error: Error) => {
  console.error(`images: ${error.message}\n${USAGE}`);
  process.exit(1);
});
