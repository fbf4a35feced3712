/**
 * Parses `--name value` / `--flag` arguments against a fixed set; anything else is an error naming it. After `--`
 * everything is positional (input a user typed, e.g. the workflow's dispatch input, never becomes an option).
 */
export function parseArgs(argv: string[], spec: { values: string[]; flags: string[] }): { values: Record<string, string>; flags: Set<string>; positional: string[] } {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  const positional: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (spec.flags.includes(name)) {
      if (inline !== undefined) problems.push(`--${name} takes no value (got "${inline}")`);
      else flags.add(name);
    }
    else if (spec.values.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) problems.push(`--${name} needs a value`);
      else values[name] = value;
    } else problems.push(`unknown option --${name}; known: ${[...spec.values, ...spec.flags].map((o) => `--${o}`).join(', ')}`);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { values, flags, positional };
}
