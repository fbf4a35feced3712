import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLines, serveCommand } from './open-lines.ts';

const root = new URL('../', import.meta.url).pathname;

describe('openLines: what the end of a run says to open', () => {
  it('a single-file report: file:// URLs of the matrix and the report, spaces encoded so the URL opens', () => {
    expect(openLines({ out: '/tmp/my runs/out', generated: { form: 'single-file', singleFileBytes: 4_698_201 } })).toEqual([
      'matrix: file:///tmp/my%20runs/out/index.html',
      'report: file:///tmp/my%20runs/out/allure-report/index.html (one file, 4.7 MB: opens from disk, as do the matrix\'s links)',
    ]);
  });

  it('a folder: no file:// URL for the report, the command that serves it, with --out unless it is reports/out', () => {
    const lines = openLines({ out: '/tmp/x', generated: { form: 'directory', singleFileBytes: 52_300_000, why: 'as one file it would be 52.3 MB, over 32.0 MB' } });
    expect(lines).toEqual([
      'matrix: file:///tmp/x/index.html (its links need the served report)',
      'report: /tmp/x/allure-report/ is a folder (as one file it would be 52.3 MB, over 32.0 MB); browsers do not load its data from disk. Serve it: npm run report -- --open --out /tmp/x',
    ]);
    expect(serveCommand(join(root, 'reports', 'out'))).toBe('npm run report -- --open');
    expect(serveCommand("/tmp/it's here")).toBe(`npm run report -- --open --out '/tmp/it'\\''s here'`);
  });

  it('no results at all: only the matrix', () => {
    expect(openLines({ out: '/tmp/x' })).toEqual(['matrix: file:///tmp/x/index.html']);
  });
});
