import { defineBehaviour } from '../check.ts';
import { kubectl } from '../kube-actions.ts';
import { DOCS, clustermeshRequirements } from './agents.ts';
import { GLOBAL_ANNOTATION, MESH_NAMESPACE, curlRebelBase, globalAnnotationRemoved, type Replies } from './rebel-base.ts';

export const REQUESTS = 20;

/** A global service answers from both clusters and never fails. */
export function expectBothClusters(v: Replies): string[] {
  const problems: string[] = [];
  const seen = Object.keys(v.clusters).sort();
  if (seen.length < 2) problems.push(`replies came from ${seen.join(', ') || 'no cluster'} only, expected both clusters; annotate rebel-base with ${GLOBAL_ANNOTATION}: "true" in both clusters`);
  if (v.failures.length > 0) problems.push(`${v.failures.length}/${v.requests} requests failed, first: ${v.failures[0]}`);
  return problems;
}

export const cCm2 = defineBehaviour<Replies>({
  id: 'C-CM-2',
  title: 'global service load-balances across clusters',
  docs: DOCS.services,
  requires: clustermeshRequirements,
  needs: [{ kind: 'rebel-base-x-wing-in-two-clusters' }],
  probe: (cluster) => curlRebelBase(cluster, REQUESTS),
  expect: expectBothClusters,
  negativeControls: [
    {
      name: 'global annotation removed locally',
      owner: {
        owner: 'nobody (the harness\'s own rebel-base Service)', reverts: 'never', breakage: 'changes',
        why: 'the plan applies the Service once with kubectl; no controller reconciles its annotations',
      },
      apply: (cluster) => globalAnnotationRemoved(cluster),
      expectFailure: /replies came from \S+ only, expected both clusters/,
    },
  ],
});
