/** One doctor finding: what was checked, what was seen, and for a problem how to fix it. */
export interface Finding {
  check: string;
  /** ok: fine; info: worth knowing; warn: some profiles or runs may fail; fail: kind runs will fail here. */
  status: 'ok' | 'info' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

export const problem = (f: Finding) => f.status === 'warn' || f.status === 'fail';
