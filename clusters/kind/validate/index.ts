import { parse, parseAllDocuments } from 'yaml';
import { calicoFiles } from '../cni/calico.ts';
import { ciliumValuesFile } from '../cni/cilium.ts';
import type { CalicoResource, KindProfile, Plan } from '../types.ts';
import { loadCalicoCrd, validateCalicoResource } from './calico-resources.ts';
import { loadCiliumUpstream, type CiliumUpstream } from './cilium-values.ts';
import { validateCiliumValues } from './cilium-values.ts';
import { validateKindConfig } from './kind-config.ts';
import { loadKindClusterSchema } from './kind-types.ts';
import { upstreamMissing } from './upstream.ts';

/** Upstream files plan validation reads. */
export const upstreamFilesForValidation = [
  'cilium/values.schema.json', 'cilium/values.yaml', 'cilium/values-paths.txt', 'cilium/removed-values.txt',
  'calico/crds/crd.projectcalico.org_ippools.yaml', 'calico/crds/crd.projectcalico.org_bgppeers.yaml',
  'calico/crds/crd.projectcalico.org_bgpconfigurations.yaml', 'kind/v1alpha4-types.go.txt',
];

/** Why the plan cannot be checked against upstream here, or undefined. */
export function validationUnavailable(): string | undefined {
  return upstreamMissing(upstreamFilesForValidation);
}

let ciliumCache: CiliumUpstream | undefined;

/** Every problem in a rendered plan, checked against upstream schemas, CRDs and kind's types; [] when clean. */
export function validatePlan(plan: Plan, profile: KindProfile): string[] {
  const errors: string[] = [];
  const kindSchema = loadKindClusterSchema();
  plan.clusters.forEach((cluster, index) => {
    const spec = profile.clusters[index]!;
    errors.push(...validateKindConfig(parse(plan.files[`kind/${cluster}.yaml`] ?? '{}') as Record<string, unknown>, kindSchema));
    if (spec.install.cni === 'cilium') {
      ciliumCache ??= loadCiliumUpstream();
      const values = parse(plan.files[ciliumValuesFile(cluster)] ?? '{}') as Record<string, unknown>;
      errors.push(...validateCiliumValues(values, ciliumCache, `cilium values of ${cluster}`));
    }
    if (spec.install.cni === 'calico') {
      const docs = parseAllDocuments(plan.files[calicoFiles(cluster).resources] ?? '').map((d) => d.toJS() as { kind: CalicoResource['kind']; metadata: { name: string }; spec: Record<string, unknown> });
      for (const doc of docs) errors.push(...validateCalicoResource({ kind: doc.kind, name: doc.metadata.name, spec: doc.spec }, loadCalicoCrd(doc.kind)));
    }
  });
  return errors.map((error) => `profile "${profile.name}": ${error}`);
}
