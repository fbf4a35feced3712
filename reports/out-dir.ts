import { isAbsolute, join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;

/** Where results and reports go: reports/out, or CNI_CONFORMANCE_OUT (so that nested runs never share a folder). */
export function outDir(): string {
  const configured = process.env.CNI_CONFORMANCE_OUT;
  if (!configured) return join(root, 'reports', 'out');
  return isAbsolute(configured) ? configured : join(root, configured);
}

/** Where one provider's vitest run of `npm run matrix` writes its results: <out>/runs/<provider> (the workflow uploads it). */
export const runDir = (provider: string, out = outDir()) => join(out, 'runs', provider);
