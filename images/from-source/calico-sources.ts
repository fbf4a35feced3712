import { readFileSync } from 'node:fs';
import { versions } from '../../versions.ts';
import { calicoBlockers } from './calico-catalog.ts';
import { calicoModule, calicoNestedReplaces, releaseModuleVersion, untaggedPseudoVersion } from './calico-recipes.ts';
import { downloadModule } from './go-build.ts';

const c = versions.calico;
const op = versions.calicoVpp.calico;

/** What the Go module proxy answered for one module version. */
export interface SourceAnswer { module: string; version: string; served: boolean; answer: string }

async function ask(module: string, version: string): Promise<SourceAnswer & { goMod?: string; commit?: string }> {
  try {
    const got = await downloadModule(module, version);
    return { module, version, served: true, answer: `served (commit ${got.commit})`, goMod: got.GoMod, commit: got.commit };
  } catch (error) {
    return { module, version, served: false, answer: (error as Error).message.split('\n').map((l) => l.trim()).join(' ') };
  }
}

const plain = ({ module, version, served, answer }: SourceAnswer): SourceAnswer => ({ module, version, served, answer });

/**
 * Asks the proxy, through `go mod download` as the build does, for what calico-vpp's Calico images need: the calico module
 * at tag `versions.calicoVpp.calico.release`, the operator, and the operator's nested module github.com/tigera/operator/api at the
 * operator's own commit (operator go.mod@v1.42.3:212 replaces it with ./api, which the module zip leaves out).
 */
export async function askReleaseSources(): Promise<SourceAnswer[]> {
  const answers = [plain(await ask(calicoModule, releaseModuleVersion))];
  const operator = await ask('github.com/tigera/operator', op.operator);
  answers.push(plain(operator));
  if (operator.served && operator.goMod && operator.commit) {
    // The proxy's .info beside the .mod carries the commit time (cmd/go/internal/modfetch: @v/<version>.info Time).
    const info = JSON.parse(readFileSync(operator.goMod.replace(/\.mod$/, '.info'), 'utf8')) as { Time: string };
    answers.push(plain(await ask('github.com/tigera/operator/api', untaggedPseudoVersion(new Date(info.Time), operator.commit))));
  }
  return answers;
}

/** The same for the modules the images of `versions.calico` (the manifest-installed profiles) are built from. */
export async function askSourceModules(): Promise<SourceAnswer[]> {
  const wanted = { [calicoModule]: c.module, ...calicoNestedReplaces };
  const answers: SourceAnswer[] = [];
  for (const [module, version] of Object.entries(wanted)) answers.push(plain(await ask(module, version)));
  return answers;
}

/**
 * What `npm run images` says for Calico profiles: for calico-vpp (operator-installed Calico), the proxy's answers and the
 * blockers while any is refused; then whether the modules of `versions.calico` are all served (the build goes on only then).
 */
export async function reportCalicoSources(log: (line: string) => void, vpp: boolean): Promise<boolean> {
  if (vpp) {
    const release = await askReleaseSources();
    for (const a of release) log(`calico-vpp's calico ${op.release} source ${a.module}@${a.version}: ${a.answer}`);
    if (release.some((a) => !a.served)) for (const [image, why] of Object.entries(calicoBlockers)) log(`cannot build ${image}: ${why}`);
  }
  const source = await askSourceModules();
  for (const a of source) log(`calico ${c.release} source ${a.module}@${a.version}: ${a.answer}`);
  return source.every((a) => a.served);
}
