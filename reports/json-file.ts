import { readFile } from 'node:fs/promises';

/** `text` parsed as JSON; when it is not JSON, the error names the file it came from. */
export function parseJsonFile<T>(text: string, file: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
}

/** A JSON file's content, undefined when it cannot be read (absent); an error naming it when it is not JSON. */
export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseJsonFile<T>(text, file);
}
