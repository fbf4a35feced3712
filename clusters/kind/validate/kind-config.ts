import { isCidr, formatAjvErrors, makeAjv } from './ajv.ts';
import { loadKindClusterSchema } from './kind-types.ts';

/** Every problem with a kind config: field names/types from kind's v1alpha4 types, plus the rules of kind's validate.go the profiles touch. */
export function validateKindConfig(config: Record<string, unknown>, schema: Record<string, unknown> = loadKindClusterSchema()): string[] {
  const name = typeof config['name'] === 'string' ? config['name'] : '(unnamed)';
  const subject = `kind config "${name}"`;
  const validate = makeAjv().compile(schema);
  const errors = validate(config) ? [] : formatAjvErrors(`${subject} (v1alpha4 types)`, validate.errors);
  if (config['kind'] !== 'Cluster' || config['apiVersion'] !== 'kind.x-k8s.io/v1alpha4') {
    errors.push(`${subject}: kind/apiVersion must be Cluster / kind.x-k8s.io/v1alpha4, got ${String(config['kind'])} / ${String(config['apiVersion'])}`);
  }
  if (!/^[a-z0-9.-]+$/.test(name)) errors.push(`${subject}: cluster name must match ^[a-z0-9.-]+$`);
  const networking = (config['networking'] ?? {}) as Record<string, unknown>;
  for (const key of ['podSubnet', 'serviceSubnet']) {
    const value = networking[key];
    if (typeof value === 'string' && !value.split(',').every((cidr) => isCidr(cidr.trim()))) errors.push(`${subject}: networking.${key} "${value}" is not a CIDR`);
  }
  const nodes = Array.isArray(config['nodes']) ? (config['nodes'] as Array<Record<string, unknown>>) : [];
  if (nodes.length > 0 && !nodes.some((n) => n['role'] === 'control-plane')) errors.push(`${subject}: needs at least one control-plane node`);
  return errors;
}
