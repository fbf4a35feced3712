import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cniPluginsArchive, kubeFlannelUrl } from '../../clusters/kind/cni/flannel.ts';
import { versions } from '../../versions.ts';
import { cniImages } from './catalog.ts';
import { imageArchivePath, localCopyPath, localSources } from './offline.ts';

describe('localSources', () => {
  it('keeps each local build under the host and path of the URL it stands for, so the version is in its path', () => {
    expect(localCopyPath(kubeFlannelUrl, '/c')).toBe(`/c/offline/github.com/flannel-io/flannel/releases/download/${versions.flannel.release}/kube-flannel.yml`);
  });

  it('is empty where npm run images never ran (a user\'s laptop)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'cnc-offline-'));
    expect(localSources('flannel', [kubeFlannelUrl, cniPluginsArchive('amd64')], cache)).toEqual({ files: {}, images: {} });
  });

  it('lists the files with their .sha256 and the image archives that exist', () => {
    const cache = mkdtempSync(join(tmpdir(), 'cnc-offline-'));
    const manifest = localCopyPath(kubeFlannelUrl, cache);
    mkdirSync(join(manifest, '..'), { recursive: true });
    writeFileSync(manifest, 'kind: List\n');
    writeFileSync(`${manifest}.sha256`, 'x  kube-flannel.yml\n');
    const archive = localCopyPath(cniPluginsArchive('amd64'), cache);
    mkdirSync(join(archive, '..'), { recursive: true });
    writeFileSync(archive, 'no sha256 beside it');
    const image = cniImages.flannel![0]!.name;
    mkdirSync(join(cache, 'cni-archives'));
    writeFileSync(imageArchivePath(image, cache), '');
    expect(localSources('flannel', [kubeFlannelUrl, cniPluginsArchive('amd64')], cache)).toEqual({
      files: { [kubeFlannelUrl]: { file: manifest, sha256File: `${manifest}.sha256` } },
      images: { [image]: imageArchivePath(image, cache) },
    });
  });
});
