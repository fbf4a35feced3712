import { readFileSync } from 'node:fs';
import { versions } from '../../versions.ts';
import { calicoBlockers } from './calico-catalog.ts';
import { calicoModule, calicoNestedReplaces, releaseModuleVersion, untaggedPseudoVersion } from './calico-recipes.ts';
import { downloadModule } from './go-build.ts';

const c = versions.calico;

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
 * Asks the proxy, through `go mod download` as the build does, for what the release's images need: the calico module at
 * tag `versions.calico.release`, the operator, and the operator's nested module github.com/tigera/operator/api at the
 * operator's own commit (operator go.mod@v1.42.3:212 replaces it with ./api, which the module zip leaves out).
 */
export async function askReleaseSources(): Promise<SourceAnswer[]> {
  const answers = [plain(await ask(calicoModule, releaseModuleVersion))];
  const operator = await ask('github.com/tigera/operator', c.operator);
  answers.push(plain(operator));
  if (operator.served && operator.goMod && operator.commit) {
    // The proxy's .info beside the .mod carries the commit time (cmd/go/internal/modfetch: @v/<version>.info Time).
    const info = JSON.parse(readFileSync(operator.goMod.replace(/\.mod$/, '.info'), 'utf8')) as { Time: string };
    answers.push(plain(await ask('github.com/tigera/operator/api', untaggedPseudoVersion(new Date(info.Time), operator.commit))));
  }
  return answers;
}

/** The same for the modules the images of `versions.calico.fromSource` are built from. */
export async function askSourceModules(): Promise<SourceAnswer[]> {
  const wanted = { [calicoModule]: c.fromSource.module, ...calicoNestedReplaces };
  const answers: SourceAnswer[] = [];
  for (const [module, version] of Object.entries(wanted)) answers.push(plain(await ask(module, version)));
  return answers;
}

/**
 * What `npm run images` says for a Calico profile: the proxy's answers for the release, the blockers while any is refused,
 * and whether the `fromSource` modules are all served (the build goes on only then).
 */
export async function reportCalicoSources(log: (line: string) => void): Promise<boolean> {
  const release = await askReleaseSources();
  for (const a of release) log(`calico ${c.release} source ${a.module}@${a.version}: ${a.answer}`);
  if (release.some((a) => !a.served)) for (const [image, why] of Object.entries(calicoBlockers)) log(`cannot build ${image}: ${why}`);
  const source = await askSourceModules();
  for (const a of source) log(`calico ${c.fromSource.release} source ${a.module}@${a.version}: ${a.answer}`);
  return source.every((a) => a.served);
}
