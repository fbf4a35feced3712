/**
 * Lines a parser did not understand travel with the probe's raw text: `rawOf` adds them under
 * `<who>: <command> (unparsed lines)`, and `unparsedProblems` turns every such entry of an
 * observation's raw into a problem, so a probe that met output it cannot read fails instead of
 * judging what it happened to parse.
 */
export const UNPARSED_SUFFIX = ' (unparsed lines)';

/** The raw entry recording unparsed lines of one probe, or nothing when there are none. */
export function unparsedEntry(key: string, lines: string[] | undefined): Record<string, string> {
  return lines && lines.length > 0 ? { [`${key}${UNPARSED_SUFFIX}`]: lines.join('\n') } : {};
}

/** One problem per probe whose output had lines its parser did not understand. */
export function unparsedProblems(raw: Record<string, string>): string[] {
  return Object.entries(raw).filter(([key]) => key.endsWith(UNPARSED_SUFFIX)).map(([key, text]) => {
    const lines = text.split('\n');
    const shown = lines.slice(0, 3).map((l) => `"${l.trim().slice(0, 120)}"`).join(', ');
    return `${key.slice(0, -UNPARSED_SUFFIX.length)}: ${lines.length} output line(s) the parser does not understand: ${shown}${lines.length > 3 ? ', ...' : ''}`;
  });
}
