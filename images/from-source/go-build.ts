import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { type GoRecipe, localModuleDir, parseLocalReplaces, wrapperGoMod } from './recipes.ts';

export interface GoBuildResult {
  id: string;
  binDir: string;
  reused: boolean;
  seconds: number;
  commit: string;
}

interface ModuleInfo { GoMod: string; Dir: string; Origin?: { Hash?: string } }

/** `go mod download -json module@version`: where the proxy's copy lives and the commit it came from. */
export async function downloadModule(module: string, version: string): Promise<ModuleInfo & { commit: string }> {
  const r = await execa('go', ['mod', 'download', '-json', `${module}@${version}`], { reject: false, cwd: '/' });
  const info = JSON.parse(String(r.stdout || '{}')) as ModuleInfo & { Error?: string };
  if (r.exitCode !== 0 || info.Error) throw new Error(`failed to download Go module ${module}@${version}: ${info.Error ?? String(r.stderr)}`);
  // The .info file beside the .mod file carries Origin (cmd/go/internal/modfetch: the proxy's @v/<version>.info).
  const infoFile = JSON.parse(readFileSync(info.GoMod.replace(/\.mod$/, '.info'), 'utf8')) as ModuleInfo;
  return { ...info, commit: infoFile.Origin?.Hash ?? version };
}

function recipeHash(recipe: GoRecipe, commit: string): string {
  const flags = JSON.stringify({ ...recipe, ldflags: recipe.ldflags(commit) });
  return createHash('sha256').update(flags).digest('hex').slice(0, 12);
}

/**
 * Builds a recipe's binaries under `nice -n 19` (the machine is shared) into `<cache>/bin/<id>-<version>`,
 * reusing them when a stamp of the same recipe is there. The Go module and build caches make warm rebuilds fast.
 */
export async function buildGoRecipe(recipe: GoRecipe, cache: string, log: (line: string) => void): Promise<GoBuildResult> {
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  const main = await downloadModule(recipe.module, recipe.version);
  const binDir = join(cache, 'bin', `${recipe.id}-${recipe.version}`);
  const stamp = join(binDir, '.recipe');
  const hash = recipeHash(recipe, main.commit);
  const allThere = recipe.binaries.every((b) => existsSync(join(binDir, b.out)));
  if (allThere && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    return { id: recipe.id, binDir, reused: true, seconds: seconds(), commit: main.commit };
  }
  const workDir = join(cache, 'modules', recipe.id);
  mkdirSync(workDir, { recursive: true });
  mkdirSync(binDir, { recursive: true });
  const localReplaces = recipe.localReplacesAt ? parseLocalReplaces(readFileSync(main.GoMod, 'utf8')) : [];
  writeFileSync(join(workDir, 'go.mod'), wrapperGoMod(recipe, localReplaces));
  rmSync(join(workDir, 'local'), { recursive: true, force: true });
  for (const [module, files] of Object.entries(recipe.localModules ?? {})) {
    const dir = join(workDir, localModuleDir(module));
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  }
  for (const binary of recipe.binaries) {
    const cgo = binary.cgo ?? recipe.cgo;
    const args = [
      '-n', '19', 'go', 'build', '-trimpath',
      ...(recipe.tags?.length ? ['-tags', recipe.tags.join(',')] : []),
      '-ldflags', ['-s', '-w', ...recipe.ldflags(main.commit)].join(' '),
      '-o', join(binDir, binary.out), binary.pkg,
    ];
    log(`go build ${recipe.module}@${recipe.version} ${binary.pkg} -> ${binary.out}`);
    const r = await execa('nice', args, {
      cwd: workDir, reject: false, all: true,
      env: { CGO_ENABLED: cgo ? '1' : '0', GOFLAGS: '-mod=mod -buildvcs=false' },
    });
    if (r.exitCode !== 0) throw new Error(`failed to build ${binary.pkg}@${recipe.version}: ${String(r.all).slice(-3000)}`);
  }
  writeFileSync(stamp, hash);
  return { id: recipe.id, binDir, reused: false, seconds: seconds(), commit: main.commit };
}
