import { basename } from 'node:path';

/**
 * Splits a `--node-exec` template into argv as a POSIX shell would split words: whitespace separates,
 * '...' is literal, "..." keeps spaces (backslash escapes only $ ` " \ inside), a backslash outside quotes
 * escapes the next character. The template runs without a shell, so unquoted operators are refused.
 */
export function parseTemplate(template: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === "'") {
      const end = template.indexOf("'", i + 1);
      if (end < 0) throw new Error(`--node-exec "${template}": unterminated single quote`);
      word += template.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < template.length && template[j] !== '"'; j++) {
        if (template[j] === '\\' && j + 1 < template.length && '$`"\\'.includes(template[j + 1]!)) j++;
        else if (template[j] === '$' || template[j] === '`') throw unexpanded(template, template[j]!);
        word += template[j];
      }
      if (j >= template.length) throw new Error(`--node-exec "${template}": unterminated double quote`);
      inWord = true;
      i = j;
    } else if (c === '\\') {
      if (i + 1 < template.length) word += template[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if ('|;&<>()`$'.includes(c)) {
      throw unexpanded(template, c);
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) throw new Error('--node-exec is empty; e.g. --node-exec \'ssh {node} --\'');
  if (!words.some((w) => w.includes('{node}'))) throw new Error(`--node-exec "${template}": has no {node}; e.g. 'ssh {node} --'`);
  return words;
}

function unexpanded(template: string, c: string): Error {
  return new Error(`--node-exec "${template}": "${c}" is shell syntax, but the template runs without a local shell (nothing is expanded); write the value out, quote it with '...', or wrap the command in sh -c {cmd}`);
}

/** One word quoted for a POSIX shell: '...' with each ' written as '\''. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The argv that runs `argv` on `node` through the template. `{cmd}` in the template takes the whole command as
 * one shell-quoted string (e.g. `sh -c {cmd}`, `gcloud compute ssh {node} --command={cmd}`). Otherwise argv is
 * appended, and for ssh each word is shell-quoted: ssh joins its remote arguments with spaces and the remote
 * shell splits them again (openssh-portable ssh.c@V_9_9_P2: `sshbuf_putf(command, "%s%s", i ? " " : "", av[i])`).
 */
export function nodeCommand(template: readonly string[], node: string, argv: readonly string[]): string[] {
  const quoted = argv.map(shellQuote);
  const expanded = template.map((part) => part.replaceAll('{node}', node));
  if (expanded.some((part) => part.includes('{cmd}'))) return expanded.map((part) => part.replaceAll('{cmd}', quoted.join(' ')));
  const remoteShell = basename(expanded[0] ?? '') === 'ssh';
  return [...expanded, ...(remoteShell ? quoted : argv)];
}
