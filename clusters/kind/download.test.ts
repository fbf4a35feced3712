import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { localCopy } from './local-copies.ts';
import { cniPluginsArchive } from './cni/flannel.ts';
import { download } from './provision.ts';

const url = cniPluginsArchive('amd64');
const item = { url, sha256Url: `${url}.sha256`, extractTo: 'cni-plugins/x' };

/** An archive laid out as the release's (`tar cfzp` of bin/ as `.`) and its sha256sum line, where npm run images keeps it. */
function cacheWithArchive(sha256?: string): { cache: string; bytes: Buffer } {
  const cache = mkdtempSync(join(tmpdir(), 'cnc-download-'));
  const bin = join(cache, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'bridge'), '#!/bin/sh\n');
  const file = join(cache, 'offline', 'github.com', new URL(url).pathname);
  mkdirSync(join(file, '..'), { recursive: true });
  execFileSync('tar', ['-C', bin, '-czf', file, '.']);
  const bytes = readFileSync(file);
  writeFileSync(`${file}.sha256`, `${sha256 ?? createHash('sha256').update(bytes).digest('hex')}  ${url.split('/').pop()}\n`);
  return { cache, bytes };
}

afterEach(() => { vi.unstubAllGlobals(); });

describe('download: a local build of the archive where npm run images made one', () => {
  test('extracts the local copy, fetches nothing, and says it is a local build', async () => {
    const { cache } = cacheWithArchive();
    const fetched = vi.fn();
    vi.stubGlobal('fetch', fetched);
    const plan = mkdtempSync(join(tmpdir(), 'cnc-plan-'));
    const lines: string[] = [];
    await download(item, plan, (l) => lines.push(l), cache);
    expect(readFileSync(join(plan, item.extractTo, 'bridge'), 'utf8')).toBe('#!/bin/sh\n');
    expect(fetched).not.toHaveBeenCalled();
    expect(lines.join('\n')).toMatch(/local build from .*cni-plugins-linux-amd64-.*\.tgz \(made from source by npm run images, not downloaded/);
    expect(lines.join('\n')).not.toContain('downloaded cni-plugins');
  });

  test('refuses a local copy whose sha256 does not match the line beside it', async () => {
    const { cache } = cacheWithArchive('0'.repeat(64));
    const plan = mkdtempSync(join(tmpdir(), 'cnc-plan-'));
    await expect(download(item, plan, () => {}, cache)).rejects.toThrow(/failed to verify .*\.tgz: sha256 [0-9a-f]{64}, .*\.sha256 says 0{64}/);
  });

  test('fetches the URL and its published sha256 when there is no local copy', async () => {
    const { bytes } = cacheWithArchive();
    const empty = mkdtempSync(join(tmpdir(), 'cnc-empty-'));
    expect(localCopy(url, empty)).toBeUndefined();
    const fetched = vi.fn(async (u: string) => new Response(u.endsWith('.sha256')
      ? `${createHash('sha256').update(bytes).digest('hex')}  x.tgz\n` : new Uint8Array(bytes)));
    vi.stubGlobal('fetch', fetched);
    const plan = mkdtempSync(join(tmpdir(), 'cnc-plan-'));
    const lines: string[] = [];
    await download(item, plan, (l) => lines.push(l), empty);
    expect(fetched.mock.calls.map((c) => c[0])).toEqual([url, `${url}.sha256`]);
    expect(lines.join('\n')).toMatch(/downloaded cni-plugins-linux-amd64-.*\.tgz/);
  });
});
