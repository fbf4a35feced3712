import { readUpstream } from './upstream.ts';
import { formatAjvErrors, makeAjv } from './ajv.ts';
import { docComment, enumeratedValues } from './values-comments.ts';

type Schema = { type?: string | string[]; properties?: Record<string, Schema> };

/** Where an enumeration comes from: the chart's own comment, or Cilium's code when the chart states none. */
export interface ValueEnum { values: string[]; source: string }

export interface CiliumUpstream {
  schema: Schema;
  /** Paths the chart's templates read (values-paths.txt). */
  templatePaths: Set<string>;
  /** Removed key -> the chart's fail message. */
  removed: Map<string, string>;
  enums: Map<string, ValueEnum>;
}

/** The enumerated values the profiles set; each is read from values.yaml comments. */
export const enumeratedPaths = ['routingMode', 'tunnelProtocol', 'kubeProxyReplacement', 'loadBalancer.mode', 'ipam.mode'] as const;

/**
 * values.yaml documents ipam.mode only with a docs link; the modes are the constants of Cilium's
 * pkg/ipam/option/option.go (https://github.com/cilium/cilium/blob/v1.20.0/pkg/ipam/option/option.go).
 */
const ipamModesFromCode = ['kubernetes', 'crd', 'eni', 'azure', 'cluster-pool', 'multi-pool', 'alibabacloud', 'delegated-plugin'];

export function loadCiliumUpstream(): CiliumUpstream {
  const valuesYaml = readUpstream('cilium/values.yaml');
  const enums = new Map<string, ValueEnum>();
  for (const path of enumeratedPaths) {
    const comment = docComment(valuesYaml, path);
    const values = comment ? enumeratedValues(comment) : undefined;
    if (values) enums.set(path, { values, source: `cilium values.yaml comment of ${path}` });
    else if (path === 'ipam.mode') enums.set(path, { values: ipamModesFromCode, source: 'cilium pkg/ipam/option (values.yaml does not enumerate ipam.mode)' });
  }
  return {
    schema: JSON.parse(readUpstream('cilium/values.schema.json')) as Schema,
    templatePaths: new Set(readUpstream('cilium/values-paths.txt').split('\n').map((l) => l.trim()).filter(Boolean)),
    removed: parseRemovedValues(readUpstream('cilium/removed-values.txt')),
    enums,
  };
}

/** Keys named at the start of each chart fail message ("tunnel was deprecated ...", "a.{b,c} were ..."). */
export function parseRemovedValues(text: string): Map<string, string> {
  const removed = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const subject = /^(.+?) (?:was|were|has been|has) /.exec(line)?.[1];
    if (!subject) continue;
    for (const part of subject.split(' and ')) {
      for (const key of expandBraces(part.trim())) {
        if (/^[A-Za-z0-9_.]+$/.test(key)) removed.set(key, line.trim());
      }
    }
  }
  return removed;
}

function expandBraces(key: string): string[] {
  const match = /^(.*)\{([^}]*)\}(.*)$/.exec(key);
  if (!match) return [key];
  return match[2]!.split(',').map((alt) => `${match[1]}${alt.trim()}${match[3]}`);
}

/** Leaf paths of a values object (arrays and empty objects are leaves). */
export function leafPaths(values: unknown, prefix = ''): string[] {
  if (values === null || typeof values !== 'object' || Array.isArray(values) || Object.keys(values).length === 0) return prefix ? [prefix] : [];
  return Object.entries(values as Record<string, unknown>).flatMap(([key, value]) => leafPaths(value, prefix ? `${prefix}.${key}` : key));
}

/** Whether the schema defines the path, or leaves a prefix of it free-form (an object without properties). */
function schemaKnows(schema: Schema, path: string): boolean {
  let node: Schema | undefined = schema;
  for (const segment of path.split('.')) {
    if (!node.properties) return isObjectType(node);
    node = node.properties[segment];
    if (!node) return false;
  }
  return true;
}

function isObjectType(node: Schema): boolean {
  return node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'));
}

function valueAt(values: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), values);
}

/** Every problem with a Cilium values object, each naming the key, the value and the fix. */
export function validateCiliumValues(values: Record<string, unknown>, upstream: CiliumUpstream, subject = 'cilium values'): string[] {
  const errors: string[] = [];
  const validate = makeAjv().compile(upstream.schema);
  if (!validate(values)) errors.push(...formatAjvErrors(`${subject} (values.schema.json)`, validate.errors));

  for (const path of leafPaths(values)) {
    const removedKey = [...upstream.removed.keys()].find((key) => path === key || path.startsWith(`${key}.`));
    if (removedKey) {
      errors.push(`${subject}: key "${path}" was removed from the chart; the chart fails with: ${upstream.removed.get(removedKey)}`);
    } else if (!schemaKnows(upstream.schema, path) && !upstream.templatePaths.has(path)) {
      errors.push(`${subject}: key "${path}" is unknown: not in values.schema.json and no chart template reads it; fix the spelling or drop it`);
    }
  }

  for (const [path, allowed] of upstream.enums) {
    const value = valueAt(values, path);
    if (value === undefined) continue;
    if (!allowed.values.includes(String(value))) {
      const options = allowed.values.map((v) => JSON.stringify(v)).join(', ');
      errors.push(`${subject}: ${path}=${JSON.stringify(value)} is not an allowed value; use one of ${options} (from ${allowed.source})`);
    }
  }
  return errors;
}
