import { readUpstream } from './upstream.ts';

/** A Go field of kind's v1alpha4 config: its json name and Go type text. */
export interface GoField { json: string; goType: string; inline: boolean }

export interface KindTypes {
  structs: Map<string, GoField[]>;
  /** Named string types -> values of their constants. */
  enums: Map<string, string[]>;
}

/** Parses kind's pkg/apis/config/v1alpha4/types.go: struct fields with json tags, and string constants per type. */
export function parseKindTypes(goSource: string): KindTypes {
  const structs = new Map<string, GoField[]>();
  for (const match of goSource.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
    const fields: GoField[] = [];
    for (const line of match[2]!.split('\n')) {
      const field = /^\s*(\w+)(?:\s+([^\s`]+))?\s+`[^`]*json:"([^"]*)"/.exec(line);
      if (!field) continue;
      const json = field[3]!.split(',')[0]!;
      const inline = field[3]!.includes('inline');
      fields.push({ json, goType: field[2] ?? field[1]!, inline });
    }
    structs.set(match[1]!, fields);
  }
  const enums = new Map<string, string[]>();
  for (const match of goSource.matchAll(/^\s*\w+\s+(\w+)\s*=\s*"([^"]*)"/gm)) {
    enums.set(match[1]!, [...(enums.get(match[1]!) ?? []), match[2]!]);
  }
  return { structs, enums };
}

/**
 * Values kind accepts that the public v1alpha4 types do not list: kind v0.32.0 declares NoneProxyMode only in
 * pkg/internal/apis/config/types.go, and its validate.go accepts it.
 */
const internalOnlyValues: Record<string, string[]> = { ProxyMode: ['none'] };

/** JSON Schema of a Go type from the parsed types (unknown fields rejected, as kind's strict YAML decoding does). */
export function goTypeSchema(types: KindTypes, goType: string): Record<string, unknown> {
  const type = goType.replace(/^\*/, '');
  if (type.startsWith('[]')) return { type: 'array', items: goTypeSchema(types, type.slice(2)) };
  const map = /^map\[string\](\w+)$/.exec(type);
  if (map) return { type: 'object', additionalProperties: goTypeSchema(types, map[1]!) };
  if (type === 'string') return { type: 'string' };
  if (type === 'bool') return { type: 'boolean' };
  if (/^u?int(8|16|32|64)?$/.test(type)) return { type: 'integer' };
  const enumValues = types.enums.get(type);
  if (enumValues) return { type: 'string', enum: [...enumValues, ...(internalOnlyValues[type] ?? [])] };
  const fields = types.structs.get(type);
  if (!fields) throw new Error(`failed to map Go type "${goType}" of kind's v1alpha4 types: not a known struct, enum or builtin`);
  const properties: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.inline) Object.assign(properties, (goTypeSchema(types, field.goType) as { properties: object }).properties);
    else properties[field.json] = goTypeSchema(types, field.goType);
  }
  return { type: 'object', properties, additionalProperties: false };
}

export function loadKindClusterSchema(): Record<string, unknown> {
  return goTypeSchema(parseKindTypes(readUpstream('kind/v1alpha4-types.go.txt')), 'Cluster');
}
