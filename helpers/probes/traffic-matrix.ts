/** One ordered pair's verdict for the report's pair matrix. */
export interface MatrixCell {
  from: string;
  to: string;
  cell: string;
}

/** A markdown table: one row per source pod, one column per target pod, "—" on the diagonal. */
export function pairMatrix(cells: MatrixCell[]): string {
  const pods = [...new Set(cells.flatMap((c) => [c.from, c.to]))];
  const at = new Map(cells.map((c) => [`${c.from}\u0000${c.to}`, c.cell]));
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const rows = pods.map((from) => `| ${from} | ${pods.map((to) => (from === to ? '—' : escape(at.get(`${from}\u0000${to}`) ?? 'not probed'))).join(' | ')} |`);
  return [`| from \\ to | ${pods.join(' | ')} |`, `|---|${pods.map(() => '---').join('|')}|`, ...rows].join('\n');
}
