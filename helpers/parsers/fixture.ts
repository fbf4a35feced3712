import { readFileSync } from 'node:fs';

/** Reads a real upstream output sample from `fixtures/<parser>/<name>` (tests only). */
export function fixture(parser: string, name: string): string {
  return readFileSync(new URL(`./fixtures/${parser}/${name}`, import.meta.url), 'utf8');
}
