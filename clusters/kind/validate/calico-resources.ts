import { parse } from 'yaml';
import type { CalicoResource } from '../types.ts';
import { formatAjvErrors, makeAjv } from './ajv.ts';
import { readUpstream } from './upstream.ts';

type JsonSchema = Record<string, unknown>;

export const calicoCrdFiles: Record<CalicoResource['kind'], string> = {
  IPPool: 'calico/crds/crd.projectcalico.org_ippools.yaml',
  BGPConfiguration: 'calico/crds/crd.projectcalico.org_bgpconfigurations.yaml',
  BGPPeer: 'calico/crds/crd.projectcalico.org_bgppeers.yaml',
};

export interface CalicoCrd {
  schema: JsonSchema;
  /** CEL rules (x-kubernetes-validations) ajv cannot run; kept so callers can report them. */
  celRules: Array<{ path: string; rule: string; message: string }>;
}

/** The openAPIV3Schema of a CRD, converted from Kubernetes' dialect to plain JSON Schema. */
export function loadCalicoCrd(kind: CalicoResource['kind']): CalicoCrd {
  const crd = parse(readUpstream(calicoCrdFiles[kind])) as { spec: { versions: Array<{ schema: { openAPIV3Schema: JsonSchema } }> } };
  const raw = crd.spec.versions[0]?.schema.openAPIV3Schema;
  if (!raw) throw new Error(`failed to read the ${kind} CRD: no openAPIV3Schema in ${calicoCrdFiles[kind]}`);
  const celRules: CalicoCrd['celRules'] = [];
  return { schema: toJsonSchema(raw, '', celRules), celRules };
}

/**
 * Kubernetes structural-schema quirks: x-kubernetes-int-or-string means integer or string, nullable adds null,
 * x-kubernetes-preserve-unknown-fields keeps free-form maps open, CEL rules are collected (not evaluated),
 * and objects with properties reject unknown fields (the API server's strict field validation).
 */
export function toJsonSchema(node: JsonSchema, path: string, celRules: CalicoCrd['celRules']): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'x-kubernetes-validations' && Array.isArray(value)) {
      for (const rule of value as Array<{ rule: string; message?: string }>) celRules.push({ path: path || '/', rule: rule.rule, message: rule.message ?? '' });
    } else if (key.startsWith('x-kubernetes-') || key === 'description' || key === 'default') {
      continue;
    } else if (key === 'properties' && value && typeof value === 'object') {
      out['properties'] = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, toJsonSchema(v, `${path}/${k}`, celRules)]));
    } else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object') {
      out[key] = toJsonSchema(value as JsonSchema, `${path}/*`, celRules);
    } else if (key === 'pattern' && typeof value === 'string') {
      out[key] = goPatternToJs(value);
    } else if (key !== 'nullable') {
      out[key] = value;
    }
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    delete out['type'];
    out['anyOf'] = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node['nullable'] === true && typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  if (out['properties'] && out['additionalProperties'] === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    out['additionalProperties'] = false;
  }
  return out;
}

/** Go RE2's inline case-insensitive flag `(?i)` has no JavaScript form: spell each letter after it as [xX]. */
export function goPatternToJs(pattern: string): string {
  const at = pattern.indexOf('(?i)');
  if (at < 0) return pattern;
  const rest = pattern.slice(at + 4).replace(/\\.|[A-Za-z]/g, (c) => (c.length === 1 ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c));
  return pattern.slice(0, at) + rest;
}

/** CEL rules of the IPPool CRD the harness evaluates itself, keyed by the CRD's own message. */
const celChecks: Record<string, (spec: Record<string, unknown>) => boolean> = {
  'ipipMode and vxlanMode cannot both be enabled': (s) =>
    !s['ipipMode'] || !s['vxlanMode'] || s['ipipMode'] === 'Never' || s['vxlanMode'] === 'Never',
  'IPIP is not supported on IPv6 pools': (s) => !String(s['cidr'] ?? '').includes(':') || !s['ipipMode'] || s['ipipMode'] === 'Never',
};

/** Every problem with one Calico resource, validated as the crd.projectcalico.org/v1 object calicoctl stores. */
export function validateCalicoResource(resource: CalicoResource, crd: CalicoCrd = loadCalicoCrd(resource.kind)): string[] {
  const subject = `calico ${resource.kind} "${resource.name}"`;
  const object = { apiVersion: 'crd.projectcalico.org/v1', kind: resource.kind, metadata: { name: resource.name }, spec: resource.spec };
  const validate = makeAjv().compile(crd.schema);
  const errors = validate(object) ? [] : formatAjvErrors(`${subject} (CRD schema)`, validate.errors);
  for (const rule of crd.celRules) {
    const check = celChecks[rule.message];
    if (rule.path === '/spec' && check && !check(resource.spec)) errors.push(`${subject}: ${rule.message} (CRD rule: ${rule.rule.replace(/\s+/g, ' ')})`);
  }
  return errors;
}
