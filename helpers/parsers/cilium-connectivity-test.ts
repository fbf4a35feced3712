/** One failed action of a `cilium connectivity test` report. */
export interface FailedAction {
  test: string;
  /** As printed: `no-policies/pod-to-pod/curl-0` (cilium-cli <= 0.18) or `no-policies/pod-to-pod:curl-0` (0.19+). */
  action: string;
  /** `client (10.0.0.1) -> echo (10.0.1.2:8080)`, when printed. */
  peers?: string;
  /** 0.19+: why the action failed (`command "curl ..." failed: ... exit code 28`). */
  message?: string;
}

/** One test namespace's summary line. */
export interface ConnectivitySummary {
  namespace?: string;
  failedTests: number;
  /** Tests that ran (the CLI prints total minus skipped). */
  tests: number;
  failedActions?: number;
  actions: number;
  skippedTests: number;
  skippedScenarios: number;
}

/** Parsed text output of `cilium connectivity test` (cilium-cli v0.10 to v0.19: Cilium 1.11 to 1.18+). */
export interface ConnectivityReport {
  /** One per test namespace that reached its report (several with --test-concurrency). */
  summaries: ConnectivitySummary[];
  failures: FailedAction[];
  /** The CLI's own error lines, e.g. `Error: Connectivity test failed: 3 tests failed`. */
  errors: string[];
  /** Lines inside a report block that are none of the known report lines: reported, never dropped. */
  unparsed: string[];
}

// cilium-cli connectivity/check/context.go report() (v0.10.0 .. v0.16.x; vendored from cilium/cilium
// cilium-cli/connectivity/check/context.go in v0.17.0 .. v0.19.7) and logging.go (Failf prefixes "❌ ",
// Headerf a blank line; with --timestamp every line starts "[RFC3339] ").
const STAMP = /^(?:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})\s|\[\d{4}-\d{2}-\d{2}T[^\]]*\]\s)/;
const HEADER = /📋 Test Report(?: \[([^\]]+)\])?\s*$/;
const FAILED = /(\d+)\/(\d+) tests failed \((\d+)\/(\d+) actions\), (\d+) tests skipped, (\d+) scenarios skipped:?/;
const PASSED = /✅ (?:\[([^\]]+)\] )?All (\d+) tests \((\d+) actions\) successful, (\d+) tests skipped, (\d+) scenarios skipped\./;
const TEST = /^Test \[([^\]]+)\]:$/;
const ACTION = /^\s+(❌|🟥)\s+(.*)$/;
const OWNERS = /^\s+(⛑️ The following owners are responsible for reliability of the testsuite:|- \S.*)\s*$/;
const ERROR = /(?:^|\s)(?:Error: )?(?:Connectivity test failed: )?(?:\[[^\]]+\] )?\d+ tests failed$/;

function splitAction(text: string, red: boolean): Omit<FailedAction, 'test'> {
  const colon = text.indexOf(': ');
  if (colon < 0) return { action: text };
  const action = text.slice(0, colon);
  const rest = text.slice(colon + 2);
  // Peers are `src (addr) -> dst (addr:port)`; in 🟥 lines the failure message follows after ": ".
  const peers = /^(.*? -> .*?\([^)]*\))(?:: (.*))?$/.exec(rest);
  if (peers) return { action, peers: peers[1]!, ...(peers[2] ? { message: peers[2] } : {}) };
  return red ? { action, message: rest } : { action, peers: rest };
}

/** Parses the report blocks of the output; the rest of the run's log is not interpreted. */
export function parseConnectivityTest(text: string): ConnectivityReport {
  const report: ConnectivityReport = { summaries: [], failures: [], errors: [], unparsed: [] };
  let inReport = false;
  let namespace: string | undefined;
  let test: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(STAMP, '');
    if (line.trim() === '') continue;
    const header = HEADER.exec(line);
    if (header) { inReport = true; namespace = header[1]; test = undefined; continue; }
    const failed = FAILED.exec(line);
    if (failed) {
      const [, f, t, fa, a, st, ss] = failed.map(Number) as number[];
      report.summaries.push({ ...(namespace ? { namespace } : {}), failedTests: f!, tests: t!, failedActions: fa!, actions: a!, skippedTests: st!, skippedScenarios: ss! });
      inReport = true;
      continue;
    }
    const passed = PASSED.exec(line);
    if (passed) {
      const [, ns, t, a, st, ss] = passed;
      report.summaries.push({ ...(ns ? { namespace: ns } : {}), failedTests: 0, tests: Number(t), actions: Number(a), skippedTests: Number(st), skippedScenarios: Number(ss) });
      inReport = false;
      continue;
    }
    if (ERROR.test(line.trim())) { report.errors.push(line.trim()); continue; }
    if (!inReport) continue;
    const testLine = TEST.exec(line.trim());
    if (testLine) { test = testLine[1]; continue; }
    const action = ACTION.exec(line);
    if (action && test) { report.failures.push({ test, ...splitAction(action[2]!.trim(), action[1] === '🟥') }); continue; }
    if (OWNERS.test(line)) continue;
    // An indented line inside the report is part of it but not understood; a line at column 0 ends the report.
    if (/^\s/.test(line)) report.unparsed.push(raw);
    else { inReport = false; namespace = undefined; test = undefined; }
  }
  return report;
}

/** Total failed and run tests over all namespaces' summaries. */
export function totals(report: ConnectivityReport): { failedTests: number; tests: number } {
  return report.summaries.reduce((acc, s) => ({ failedTests: acc.failedTests + s.failedTests, tests: acc.tests + s.tests }), { failedTests: 0, tests: 0 });
}
