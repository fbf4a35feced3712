import { convergenceLine, convergenceTitle, trendLine } from './convergence.ts';
import { cellDetail, CNI_ORDER, kernels, MARK, type Cell, type CellState, type Column, type Matrix } from './matrix.ts';
import { seconds } from '../suites/convergence.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const CNI_TITLE: Record<string, string> = { cilium: 'Cilium', calico: 'Calico', flannel: 'Flannel', none: 'fundamentals (no CNI)' };
const cniTitle = (c: string) => CNI_TITLE[c] ?? c;
/** Characters of a skip or failure reason shown in the cell; the whole reason is its tooltip. */
const REASON_TEXT = 160;

const STYLE = `body{font:13px system-ui,sans-serif;margin:1.5em;color:#1f2328}
h1{font-size:20px;margin:0 0 .3em}header p{margin:.2em 0}
table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #d0d7de;padding:3px 6px;vertical-align:top}
thead th{background:#f6f8fa;position:sticky;top:0;z-index:1}th.row{text-align:left;max-width:22em;font-weight:normal}
th.row b{display:block}tr.group th{background:#eaeef2;text-align:left;font-size:14px}
td.cell{min-width:6.5em}td.cell a,td.cell span.mark{font-weight:bold;text-decoration:none}
.pass .mark{color:#1a7f37}.fail .mark{color:#cf222e}.inconclusive .mark{color:#8250df}.error .mark{color:#bc4c00}.skip .mark{color:#9a6700}.na,.missing,.noresult{color:#8c959f}
.detail,.reason{display:block;font-size:11px;color:#57606a}.reason{max-width:16em;white-space:normal}
.hidden{display:none}.dim{opacity:.25}fieldset{display:inline-block;margin-right:1em;border:1px solid #d0d7de}
.provider{font-weight:normal;color:#57606a;display:block}
.convergence,.trend,.provisioned{display:block;font-size:11px;color:#57606a;font-weight:normal}.slower{display:block;font-size:11px;color:#bc4c00;font-weight:bold}`;

// Filters: CNI checkboxes hide columns; the status select dims other cells and hides rows without that status.
const SCRIPT = `const apply=()=>{const on=new Set([...document.querySelectorAll('input[name=cni]:checked')].map(i=>i.value));
const st=document.querySelector('select[name=status]').value;const unclaimed=document.querySelector('input[name=unclaimed]').checked;
document.querySelectorAll('[data-cni]').forEach(e=>e.classList.toggle('hidden',!on.has(e.dataset.cni)));
document.querySelectorAll('tr.behaviour').forEach(tr=>{let any=false;tr.querySelectorAll('td.cell').forEach(td=>{const ok=st==='all'||td.dataset.state===st;td.classList.toggle('dim',!ok);if(ok&&!td.classList.contains('hidden'))any=true});const claimed=[...tr.querySelectorAll('td.cell')].some(td=>!td.classList.contains('hidden')&&td.dataset.state!=='na');tr.classList.toggle('hidden',!any||(!unclaimed&&!claimed))});
document.querySelectorAll('tr.group').forEach(g=>{let n=g.nextElementSibling,any=false;while(n&&!n.classList.contains('group')){if(!n.classList.contains('hidden'))any=true;n=n.nextElementSibling}g.classList.toggle('hidden',!any)})};
document.querySelectorAll('input[name=cni],input[name=unclaimed],select[name=status]').forEach(e=>e.addEventListener('change',apply));apply();
if(location.protocol==='file:'){const path=decodeURIComponent(location.pathname),dir=path.slice(0,path.lastIndexOf('/'));
document.querySelectorAll('.site-dir').forEach(e=>e.textContent=/^[\\w@%+=:,./-]+$/.test(dir)?dir:"'"+dir.replaceAll("'","'\\\\''")+"'");
document.querySelectorAll('.serve-hint').forEach(e=>e.hidden=false)}`;

/** The cell's convergence lines: the slowest control's heal time, its trend, and a flag per control whose heal time grew. */
function convergenceHtml(c: Cell): string {
  const controls = c.convergence ?? [];
  const line = convergenceLine(controls);
  if (!line) return '';
  const trend = trendLine(controls);
  const flags = controls.filter((x) => x.slower).map((x) => `<span class="slower" title="${esc(x.control)}">⚠ slower: ${esc(x.slower!)}</span>`);
  return `<span class="convergence" title="${esc(convergenceTitle(controls))}">${esc(line)}</span>${trend ? `<span class="trend">${esc(trend)}</span>` : ''}${flags.join('')}`;
}

/** The column's "up in 4.2 s", each cluster's phases in the tooltip. */
function provisionedHtml(col: Column): string {
  const records = col.provisioning ?? [];
  if (records.length === 0) return '';
  const total = Math.max(...records.map((r) => r.phases.reduce((sum, p) => sum + p.ms, 0)));
  const title = records.map((r) => `${r.cluster}: ${r.phases.map((p) => `${p.phase} ${seconds(p.ms)}`).join(', ')}`).join('\n');
  return `<span class="provisioned" title="${esc(title)}">up in ${esc(seconds(total))}</span>`;
}

/**
 * The page a person opens first: behaviours x profiles, each cell linking to its test in the Allure report.
 * `reportIsFolder`: the report beside the page is a folder, which browsers do not load from disk; opened from file://,
 * the page says how to serve the folder it was opened from (also where a downloaded site was unpacked).
 */
export function matrixHtml(m: Matrix, options: { reportIsFolder?: boolean } = {}): string {
  const cnis = [...new Set(m.columns.map((c) => c.cni))];
  const spans = cnis.map((cni) => ({ cni, n: m.columns.filter((c) => c.cni === cni).length }));
  const first = m.runs.map((r) => r.startedAt).sort()[0];
  const ciLinks = m.runs.filter((r) => r.ci).map((r) => `<a href="${esc(r.ci!)}">${esc(r.ci!.split('/').pop()!)}</a>`);
  const header = `<header><h1>CNI conformance matrix</h1>
<p>Ran: <time>${esc(first ?? 'unknown')}</time>${m.runs.length > 1 ? ` (${m.runs.length} result folders merged)` : ''}; report built <time>${esc(m.generatedAt)}</time>${ciLinks.length ? `; workflow runs ${ciLinks.join(', ')}` : ''}.</p>
<p>Pinned versions: ${Object.entries(m.versions).map(([k, v]) => `${esc(k)} <code>${esc(v)}</code>`).join(', ')}.</p>
<p>Kernel: ${esc(kernels(m.runs))}.</p>
<p>Each cell: the behaviour check's outcome, negative controls passed of total (NC), duration; the mark links to the test in the <a href="allure-report/index.html">Allure report</a>. n/a: the profile does not claim the behaviour.</p>
<p>Under it, how long the slowest negative control took to heal, from its undo until the check held again, of its convergence deadline (every control's break and heal times on hover), the trend of the runs before, and ⚠ when a heal time grew beyond its recent median. Under each profile, how long its cluster took to come up (each phase on hover).</p>${options.reportIsFolder ? `
<p class="serve-hint" hidden><b>Opened from disk:</b> the Allure report is a folder, which browsers do not load from disk, so the marks open a blank report. Serve this page and the report with <code>npm run report -- --open --out <span class="site-dir"></span></code> in the project.</p>` : ''}</header>`;
  const filters = `<form><fieldset><legend>CNI</legend>${cnis.map((c) => `<label><input type="checkbox" name="cni" value="${esc(c)}" checked> ${esc(cniTitle(c))}</label>`).join(' ')}</fieldset>
<fieldset><legend>status</legend><select name="status">${(['all', 'pass', 'fail', 'inconclusive', 'error', 'skip', 'na', 'missing', 'noresult'] as Array<CellState | 'all'>).map((s) => `<option value="${s}">${s === 'all' ? 'all' : MARK[s as CellState]}</option>`).join('')}</select></fieldset>
<fieldset><legend>rows</legend><label><input type="checkbox" name="unclaimed"> also rows no shown profile claims</label></fieldset></form>`;
  const head = `<thead><tr><th rowspan="2">behaviour</th>${spans.map((s) => `<th colspan="${s.n}" data-cni="${esc(s.cni)}">${esc(cniTitle(s.cni))}</th>`).join('')}</tr>
<tr>${m.columns.map((c) => `<th data-cni="${esc(c.cni)}" class="col">${esc(c.profile.split('/').slice(1).join('/'))}<span class="provider">${esc(c.provider)}</span>${provisionedHtml(c)}${c.topology ? `<a class="topology" href="${esc(c.topology)}">topology</a>` : ''}${c.noResults ? `<span class="reason" title="${esc(c.noResults)}">no result</span>` : ''}</th>`).join('')}</tr></thead>`;
  // Rows no profile claims start hidden (the script shows them on request), so a one-profile run lists its own rows only.
  const claimed = (id: string) => m.columns.some((col) => (m.cells[id]?.[col.profile]?.state ?? 'na') !== 'na');
  const groupShown = (g: Matrix['groups'][number]) => g.rows.some((r) => claimed(r.id));
  const body = m.groups.map((g) => `<tr class="group${groupShown(g) ? '' : ' hidden'}"><th colspan="${m.columns.length + 1}">${esc(g.name)}</th></tr>\n${g.rows.map((row) => `<tr class="behaviour${claimed(row.id) ? '' : ' hidden'}" id="${esc(row.id)}"><th class="row"><b>${esc(row.id)}</b>${esc(row.title)}</th>${m.columns.map((col) => {
    const c = m.cells[row.id]?.[col.profile] ?? { state: 'na' as const };
    const title = c.reason ? ` title="${esc(c.reason)}"` : '';
    const mark = c.href ? `<a class="mark" href="${esc(c.href)}"${title}>${MARK[c.state]}</a>` : `<span class="mark"${title}>${MARK[c.state]}</span>`;
    const detail = cellDetail(c);
    return `<td class="cell ${c.state}" data-cni="${esc(col.cni)}" data-state="${c.state}">${mark}${detail ? `<span class="detail">${esc(detail)}</span>` : ''}${convergenceHtml(c)}${c.reason ? `<span class="reason">${esc(c.reason.length > REASON_TEXT ? `${c.reason.slice(0, REASON_TEXT)}…` : c.reason)}</span>` : ''}</td>`;
  }).join('')}</tr>`).join('\n')}`).join('\n');
  const table = m.columns.length ? `<table>${head}<tbody>\n${body}\n</tbody></table>` : '<p>No behaviour results found.</p>';
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>cni-conformance matrix</title><style>${STYLE}</style>
${header}
${filters}
${table}
<script>${SCRIPT}</script></html>\n`;
}

export { CNI_ORDER };
