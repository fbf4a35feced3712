/**
 * The kind vitest project's own limits (vitest.config.ts reads them; reports/job-timeout.ts sizes the nightly's kind
 * jobs from them): a test without a timeout of its own, and a hook (beforeAll creating the profile's clusters,
 * afterAll deleting them).
 */
export const KIND_TEST_TIMEOUT_MS = 600_000;
export const KIND_HOOK_TIMEOUT_MS = 1_800_000;
