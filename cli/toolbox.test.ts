import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { docker } from '../clusters/docker.ts';
import { imagePresent, loadImage, saveImage, toolboxTag } from '../clusters/kind/toolbox.ts';

const root = new URL('../', import.meta.url).pathname;
const toolbox = (args: string[]) => execa('node', ['cli/toolbox.ts', ...args], { cwd: root, reject: false });
const dockerUp = (await docker(['version', '--format', '{{.Server.Version}}'])).exitCode === 0;
const dirs: string[] = [];
const tags: string[] = [];
afterAll(async () => {
  for (const tag of tags) await docker(['image', 'rm', '-f', tag]);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('npm run toolbox', () => {
  it('takes exactly one of --save FILE or --load FILE', async () => {
    for (const args of [[], ['--save', 'a', '--load', 'b'], ['x']]) {
      const r = await toolbox(args);
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('toolbox: give exactly one of --save FILE or --load FILE');
    }
  }, 30_000);

  it('--load of a missing file warns on the workflow run and leaves the build to the kind run', async () => {
    const r = await toolbox(['--load', '/nonexistent/toolbox.tar']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`::warning::toolbox: /nonexistent/toolbox.tar is missing (the toolbox job's artifact expired or was not downloaded); the kind run builds ${toolboxTag()} itself`);
  }, 30_000);

  it('the kind harness reuses an image present under toolboxTag() (as --load leaves it) instead of building', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cnc-toolbox-'));
    dirs.push(dir);
    // A docker that has every image (`image inspect` succeeds) and records what it was asked.
    await writeFile(join(dir, 'docker'), `#!/bin/sh\necho "$*" >> ${join(dir, 'calls')}\n`, { mode: 0o755 });
    const r = await execa('node', ['--input-type=module', '-e', "const m = await import('./clusters/kind/toolbox.ts'); console.log(await m.ensureToolbox((l) => console.log('log:', l)));"], {
      cwd: root, reject: false, env: { PATH: `${dir}:${process.env.PATH}` },
    });
    expect(r.stdout.trim(), r.stderr).toBe(toolboxTag());
    expect((await execa('cat', [join(dir, 'calls')])).stdout).toBe(`image inspect ${toolboxTag()}`);
  }, 30_000);

  // The round trip the nightly makes, on a one-file image of its own (never the real toolbox tag, which may be in use).
  it.skipIf(!dockerUp)('an image saved under a tag loads back under it, which is what the harness asks docker for; another tag is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cnc-toolbox-'));
    dirs.push(dir);
    const tag = `cni-conformance/toolbox-test:${randomBytes(6).toString('hex')}`;
    tags.push(tag);
    await writeFile(join(dir, 'marker'), 'toolbox test\n');
    const rootfs = await execa('tar', ['-c', '-C', dir, 'marker'], { encoding: 'buffer' });
    await execa('docker', ['image', 'import', '-', tag], { input: rootfs.stdout });
    const file = join(dir, 'image.tar');
    await saveImage(tag, file);
    await docker(['image', 'rm', tag]);
    expect(await imagePresent(tag)).toBe(false);
    await loadImage(tag, file);
    expect(await imagePresent(tag)).toBe(true);
    await expect(loadImage(`${tag}-other`, file)).rejects.toThrow(`${file}: holds no image tagged ${tag}-other`);
  }, 60_000);
});
