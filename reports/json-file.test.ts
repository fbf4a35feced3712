import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readJsonFile } from './json-file.ts';

it('reads a JSON file, undefined when absent, an error naming the file when it is not JSON', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cnc-json-'));
  try {
    await writeFile(join(dir, 'ok.json'), '{"provider":"kind"}');
    await writeFile(join(dir, 'bad.json'), '{"provider":');
    expect(await readJsonFile(join(dir, 'ok.json'))).toEqual({ provider: 'kind' });
    expect(await readJsonFile(join(dir, 'absent.json'))).toBeUndefined();
    await expect(readJsonFile(join(dir, 'bad.json'))).rejects.toThrow(`${join(dir, 'bad.json')}: not JSON (`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
