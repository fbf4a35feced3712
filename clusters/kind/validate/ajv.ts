import { Ajv, type ErrorObject } from 'ajv';

/** One ajv instance per schema family: every error collected, unknown keywords tolerated (upstream schemas carry annotations). */
export function makeAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  // Formats Kubernetes CRDs use; ajv knows none of them without ajv-formats.
  ajv.addFormat('cidr', { type: 'string', validate: isCidr });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });
  return ajv;
}

/** IPv4 or IPv6 CIDR with a prefix length in range. */
export function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  if (address.includes(':')) return bits <= 128 && /^[0-9a-fA-F:]+$/.test(address) && address.split('::').length <= 2;
  const octets = address.split('.');
  return bits <= 32 && octets.length === 4 && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

/** `subject: /path/to/field message (allowed: ...)` lines from ajv errors. */
export function formatAjvErrors(subject: string, errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const at = error.instancePath || '/';
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'enum') return `${subject}: ${at} ${error.message}: ${JSON.stringify(params['allowedValues'])}`;
    if (error.keyword === 'additionalProperties') return `${subject}: ${at} has unknown field "${String(params['additionalProperty'])}"`;
    return `${subject}: ${at} ${error.message ?? error.keyword}`;
  });
}
