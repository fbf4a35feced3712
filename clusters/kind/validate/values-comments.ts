/** Reads the documentation comment of a value path out of a Helm chart's values.yaml, and the enumeration it states. */

interface KeyLine { indent: number; key: string; commented: boolean; line: number }

function keyLine(text: string, line: number): KeyLine | undefined {
  const real = /^(\s*)([A-Za-z0-9_]+):(\s|$)/.exec(text);
  if (real) return { indent: real[1]!.length, key: real[2]!, commented: false, line };
  // A key the chart documents but leaves commented out, e.g. "  # mode: snat".
  const commented = /^(\s*)#\s?([A-Za-z][A-Za-z0-9_]*):\s*\S/.exec(text);
  if (commented) return { indent: commented[1]!.length, key: commented[2]!, commented: true, line };
  return undefined;
}

/** The `# --` comment block directly above the line of `path` (a dotted value path), or undefined. */
export function docComment(valuesYaml: string, path: string): string | undefined {
  const lines = valuesYaml.split('\n');
  const stack: Array<{ indent: number; key: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const found = keyLine(lines[i]!, i);
    if (!found) continue;
    while (stack.length > 0 && stack[stack.length - 1]!.indent >= found.indent) stack.pop();
    const full = [...stack.map((s) => s.key), found.key].join('.');
    if (full === path) return commentAbove(lines, i, found.indent);
    if (!found.commented) stack.push({ indent: found.indent, key: found.key });
  }
  return undefined;
}

function commentAbove(lines: string[], at: number, indent: number): string {
  const block: string[] = [];
  for (let i = at - 1; i >= 0; i--) {
    const text = lines[i]!;
    if (!text.startsWith(`${' '.repeat(indent)}#`)) break;
    block.unshift(text.slice(indent).replace(/^#\s?/, ''));
    if (/^# --/.test(text.slice(indent))) break;
  }
  // Drop the @schema type annotation blocks: they state types, not allowed values.
  return block.join('\n').replace(/@schema@[\s\S]*?@schema@/g, '').trim();
}

/** The allowed values a comment states, in the phrasings the Cilium chart uses; undefined when it states none. */
export function enumeratedValues(comment: string): string[] | undefined {
  const possible = /Possible values:\s*\n((?:\s*-\s*.*\n?)+)/.exec(comment);
  if (possible) return [...possible[1]!.matchAll(/-\s*(.*)/g)].map((m) => unquote(m[1]!.trim()));
  const valid = /Valid options are (.+?)\.(\s|$)/s.exec(comment);
  if (valid) return [...valid[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  const applicable = /Applicable values(?: can be)?:\s*([^\n]+)/.exec(comment);
  if (applicable) return applicable[1]!.split(',').map((v) => v.trim().replace(/\s*\(.*$/, '')).filter(Boolean);
  const eg = /e\.g\.\s+([\w-]+(?:,\s*[\w-]+)+)/.exec(comment);
  if (eg) return eg[1]!.split(',').map((v) => v.trim());
  return undefined;
}

function unquote(value: string): string {
  return value.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
}
