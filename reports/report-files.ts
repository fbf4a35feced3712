import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A step or attachment of a test result as the awesome report stores it (data/test-results/<id>.json). */
export interface ReportStep {
  type?: string;
  name?: string;
  steps?: ReportStep[];
  link?: { id: string; ext?: string; name: string; contentType?: string; missed?: boolean };
}
export interface ReportTestResult { id: string; name: string; status: string; steps?: ReportStep[] }

/**
 * Reads the files of a generated awesome report, in either form: the folder (data/..., widgets/...) or the single file,
 * where each one is embedded in index.html as d("<name>","<base64>") (@allurereport/core-api@3.18.0 dist/static.js
 * createReportDataScript, JSON.stringify of name and value).
 */
export class ReportFiles {
  private embedded?: string;
  readonly dir: string;
  constructor(dir: string) { this.dir = dir; }

  get form(): 'single-file' | 'directory' {
    return existsSync(join(this.dir, 'data')) ? 'directory' : 'single-file';
  }

  async read(name: string): Promise<Buffer | undefined> {
    if (this.form === 'directory') return readFile(join(this.dir, name)).catch(() => undefined);
    this.embedded ??= await readFile(join(this.dir, 'index.html'), 'utf8').catch(() => '');
    const needle = `d(${JSON.stringify(name)},"`;
    const at = this.embedded.indexOf(needle);
    if (at < 0) return undefined;
    const start = at + needle.length;
    return Buffer.from(this.embedded.slice(start, this.embedded.indexOf('"', start)), 'base64');
  }

  async testResult(id: string): Promise<ReportTestResult | undefined> {
    const data = await this.read(`data/test-results/${id}.json`);
    return data ? (JSON.parse(data.toString('utf8')) as ReportTestResult) : undefined;
  }
}

/** Steps (not attachments) at any depth. */
export const stepCount = (steps: ReportStep[] = []): number => steps.reduce((n, s) => n + (s.link ? 0 : 1 + stepCount(s.steps)), 0);

/** The first attachment (depth first) a browser shows inline: an image or text. */
export function firstShownAttachment(steps: ReportStep[] = []): ReportStep['link'] | undefined {
  for (const s of steps) {
    if (s.link && !s.link.missed && /^(image|text)\//.test(s.link.contentType ?? '')) return s.link;
    const inner = firstShownAttachment(s.steps);
    if (inner) return inner;
  }
  return undefined;
}
