import type { Behaviour, NegativeControl } from './types.ts';

/** Opt-in to negative controls on an attached cluster: the CLI flag, and the env var vitest reads. */
export const ALLOW_DISRUPTIVE_FLAG = 'allow-disruptive';
export const ALLOW_DISRUPTIVE_ENV = 'CNI_CONFORMANCE_ALLOW_DISRUPTIVE';
/** The kubeconfig context of an attached cluster (set by `--attach`). */
export const ATTACH_ENV = 'CNI_CONFORMANCE_ATTACH';

type Env = Record<string, string | undefined>;

/** The attached context, or undefined when the harness builds its own cluster. */
export function attachedContext(env: Env = process.env): string | undefined {
  return env[ATTACH_ENV] || undefined;
}

export function disruptiveAllowed(env: Env = process.env): boolean {
  return env[ALLOW_DISRUPTIVE_ENV] === '1';
}

/**
 * Why a negative control must not run, or undefined when it may. Clusters the harness built (lab, kind)
 * are its own to break; an attached cluster is not, so its controls run only on explicit opt-in.
 */
export function controlSkipReason(id: string, control: NegativeControl<unknown>, env: Env = process.env): string | undefined {
  const context = attachedContext(env);
  if (!context || disruptiveAllowed(env)) return undefined;
  return `${id} negative control not run on attached context "${context}": the harness did not create this cluster, `
    + `and the control would break it (${control.name}) before undoing it; `
    + `pass --${ALLOW_DISRUPTIVE_FLAG} (or ${ALLOW_DISRUPTIVE_ENV}=1) to run the negative controls`;
}

/**
 * Behaviours whose check itself changes the cluster (it does more than read and send test traffic): on an
 * attached cluster they are gated like the negative controls.
 */
export const changingChecks: Readonly<Record<string, string>> = {
  // suites/cilium/c-ct-1.ts runs `cilium connectivity test`, which deploys its client and echo workloads.
  'C-CT-1': 'the check runs cilium connectivity test, which deploys its test workloads in a cilium-test-* namespace',
};

/** Why a behaviour's check must not run on this cluster (it changes the cluster), or undefined when it may. */
export function checkSkipReason(id: string, env: Env = process.env): string | undefined {
  const change = changingChecks[id];
  const context = attachedContext(env);
  if (!change || !context || disruptiveAllowed(env)) return undefined;
  return `${id} not run on attached context "${context}": ${change}, and the harness did not create this cluster; `
    + `pass --${ALLOW_DISRUPTIVE_FLAG} (or ${ALLOW_DISRUPTIVE_ENV}=1) to run it`;
}

/** One line per cluster change of the given behaviours (negative controls, changing checks): which, and what it does. */
export function controlListing(ids: readonly string[], lookup: (id: string) => Pick<Behaviour<unknown>, 'negativeControls'>): string[] {
  return ids.flatMap((id) => [
    ...(changingChecks[id] ? [`${id} check: ${changingChecks[id]}`] : []),
    ...lookup(id).negativeControls.map((c) => `${id} negative control: ${c.name}`),
  ]);
}

/** What an attached run will do to the cluster, said before anything runs; undefined when not attached. */
export function attachNotice(lines: readonly string[], env: Env = process.env): string | undefined {
  const context = attachedContext(env);
  if (!context) return undefined;
  if (lines.length === 0) return `attached to context "${context}": only checks run (nothing in this selection changes the cluster).`;
  const list = lines.map((l) => `  - ${l}`).join('\n');
  if (!disruptiveAllowed(env)) {
    return `attached to context "${context}": only non-disruptive checks run; ${lines.length} step(s) that change the cluster are skipped `
      + `(pass --${ALLOW_DISRUPTIVE_FLAG} to run them). They would:\n${list}`;
  }
  return `⚠️  attached to context "${context}" with --${ALLOW_DISRUPTIVE_FLAG}: these ${lines.length} step(s) will change the cluster, `
    + `one at a time; each negative control breaks it and undoes the breakage:\n${list}`;
}
