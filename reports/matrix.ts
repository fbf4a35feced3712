/** The parts of an Allure result file the matrix reads. */
export interface AllureResult {
  name: string;
  status: 'passed' | 'failed' | 'broken' | 'skipped' | 'unknown';
  statusDetails?: { message?: string };
  labels: Array<{ name: string; value: string }>;
}

export type Cell = 'pass' | 'fail' | 'skip';

export interface Matrix {
  cnis: string[];
  behaviours: string[];
  /** cells[behaviour][cni] = per-profile outcomes. */
  cells: Record<string, Record<string, Array<{ profile: string; cell: Cell; note?: string }>>>;
}

const label = (r: AllureResult, name: string) => r.labels.find((l) => l.name === name)?.value;

/** Builds the CNI x behaviour matrix from behaviour results; negative controls and unit tests are left out. */
export function buildMatrix(results: AllureResult[]): Matrix {
  const matrix: Matrix = { cnis: [], behaviours: [], cells: {} };
  for (const r of results) {
    const behaviour = label(r, 'behaviour');
    const cni = label(r, 'cni');
    const name = label(r, 'profile');
    const provider = label(r, 'provider');
    // Qualified: the same profile name can exist on the lab and on kind.
    const profile = name && provider ? `${provider}/${name}` : name;
    if (!behaviour || !cni || !profile || label(r, 'check') !== 'behaviour') continue;
    if (!matrix.cnis.includes(cni)) matrix.cnis.push(cni);
    if (!matrix.behaviours.includes(behaviour)) matrix.behaviours.push(behaviour);
    const cell: Cell = r.status === 'passed' ? 'pass' : r.status === 'skipped' ? 'skip' : 'fail';
    const note = r.statusDetails?.message?.split('\n')[0];
    ((matrix.cells[behaviour] ??= {})[cni] ??= []).push({ profile, cell, ...(note && cell !== 'pass' ? { note } : {}) });
  }
  matrix.cnis.sort();
  matrix.behaviours.sort();
  for (const row of Object.values(matrix.cells)) for (const outcomes of Object.values(row)) outcomes.sort((a, b) => a.profile.localeCompare(b.profile));
  return matrix;
}

const MARK: Record<Cell, string> = { pass: 'PASS', fail: 'FAIL', skip: 'skip' };

/** Markdown table: one row per behaviour, one column per CNI, each cell listing its profiles. */
export function matrixMarkdown(matrix: Matrix): string {
  if (matrix.behaviours.length === 0) return 'No behaviour results found.\n';
  const head = `| behaviour | ${matrix.cnis.join(' | ')} |\n|---|${matrix.cnis.map(() => '---').join('|')}|\n`;
  const rows = matrix.behaviours.map((b) => {
    const cells = matrix.cnis.map((c) => (matrix.cells[b]?.[c] ?? []).map((o) => `${MARK[o.cell]} ${o.profile}`).join('<br>') || '—');
    return `| ${b} | ${cells.join(' | ')} |`;
  });
  return `${head}${rows.join('\n')}\n`;
}

/** A self-contained HTML page of the same matrix, with skip and failure reasons as tooltips. */
export function matrixHtml(matrix: Matrix): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const color: Record<Cell, string> = { pass: '#1a7f37', fail: '#cf222e', skip: '#9a6700' };
  const rows = matrix.behaviours.map((b) => `<tr><th>${esc(b)}</th>${matrix.cnis.map((c) => {
    const outcomes = matrix.cells[b]?.[c] ?? [];
    const inner = outcomes.map((o) => `<div title="${esc(o.note ?? '')}" style="color:${color[o.cell]}">${MARK[o.cell]} ${esc(o.profile)}</div>`).join('');
    return `<td>${inner || '—'}</td>`;
  }).join('')}</tr>`).join('\n');
  return `<!doctype html><meta charset="utf-8"><title>cni-conformance matrix</title>
<style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}</style>
<h1>CNI x behaviour</h1><p>Behaviour checks only; negative controls are in the Allure report (<a href="allure-report/index.html">open</a>).</p>
<table><tr><th>behaviour</th>${matrix.cnis.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>
${rows}</table>\n`;
}
