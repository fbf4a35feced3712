import { convergenceLine } from './convergence.ts';
import { cellDetail, kernels, MARK, type Cell, type Matrix } from './matrix.ts';

const cellText = (c: Cell, baseUrl?: string) => {
  const mark = c.href && baseUrl ? `[${MARK[c.state]}](${baseUrl}${c.href})` : MARK[c.state];
  const healed = convergenceLine(c.convergence ?? []);
  const slower = (c.convergence ?? []).filter((x) => x.slower).map((x) => `⚠ slower: ${x.slower}`);
  return [mark, cellDetail(c), healed ? `· ${healed}` : '', ...slower, c.reason ? `: ${c.reason.replace(/\|/g, '\\|').slice(0, 120)}` : ''].filter(Boolean).join(' ');
};

/** Markdown of the matrix (for $GITHUB_STEP_SUMMARY): a header, then per row group a table of the run's profiles. */
export function matrixMarkdown(m: Matrix, options: { baseUrl?: string } = {}): string {
  if (m.columns.length === 0) return 'No behaviour results found.\n';
  const head = [
    '## CNI conformance matrix',
    '',
    `Ran ${m.runs.map((r) => r.startedAt).sort()[0] ?? 'at an unknown time'}; report built ${m.generatedAt}. Kernel: ${kernels(m.runs)}.`,
    `Pinned: ${Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
  ];
  const body = m.groups.map((g) => {
    const rows = g.rows.filter((r) => m.columns.some((c) => m.cells[r.id]?.[c.profile]?.state !== 'na'));
    if (rows.length === 0) return '';
    const cols = m.columns.filter((c) => rows.some((r) => m.cells[r.id]?.[c.profile]?.state !== 'na'));
    const table = [
      `| ${g.name} | ${cols.map((c) => c.profile).join(' | ')} |`,
      `|---|${cols.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.id} ${r.title.replace(/\|/g, '\\|')} | ${cols.map((c) => cellText(m.cells[r.id]![c.profile]!, options.baseUrl)).join(' | ')} |`),
    ];
    return `### ${g.name}\n\n${table.join('\n')}\n`;
  }).filter(Boolean);
  const empty = m.columns.filter((c) => c.noResults).map((c) => `- **${c.profile}**: no results: ${c.noResults}`);
  return `${head.join('\n')}\n${empty.length ? `${empty.join('\n')}\n\n` : ''}${body.join('\n')}`;
}
