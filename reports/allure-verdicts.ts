import { VERDICT_LABEL } from '../suites/verdict.ts';

/** The parts of an Allure test result the listener changes. */
interface WritableResult {
  status?: string;
  statusDetails?: { message?: string; trace?: string };
  description?: string;
  labels: Array<{ name: string; value: string }>;
}

/**
 * A listener of allure-vitest's writer (`listeners` of its reporter options; allure-js-commons@3.x
 * sdk/reporter/ReporterRuntime.js calls beforeTestResultWrite on each result just before writing it). vitest only
 * knows pass, fail and skip, so an INCONCLUSIVE test is a skip carrying the verdict label (suites/run-profile.ts);
 * here it becomes Allure's own "unknown" status, with its causes as the status message, so the report, the
 * matrix and the job summary count it apart from both a skip and a failure.
 */
export const verdictListener = {
  beforeTestResultWrite(result: WritableResult): void {
    if (!result.labels.some((l) => l.name === VERDICT_LABEL && l.value === 'inconclusive')) return;
    result.status = 'unknown';
    result.statusDetails = { ...result.statusDetails, message: result.description ?? 'INCONCLUSIVE' };
  },
};
