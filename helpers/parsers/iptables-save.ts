export interface IptablesChain {
  table?: string;
  name: string;
  /** ACCEPT/DROP for built-in chains, undefined for user chains ("-"). */
  policy?: string;
  packets?: number;
  bytes?: number;
}

export interface IptablesRule {
  table?: string;
  chain: string;
  /** The rule as saved, without the leading `[p:b] -A CHAIN `. */
  text: string;
  /** Target of `-j`, e.g. KUBE-SVC-NPX46M4PTMTKRN6Y or MASQUERADE. */
  target?: string;
  comment?: string;
  /** The rule's own counters, printed before `-A` by `iptables-save -c`. */
  packets?: number;
  bytes?: number;
}

/** Parsed `iptables-save [-c]` (also the output of `iptables-save | grep X`, where tables are unknown). */
export interface IptablesSave {
  tables: string[];
  chains: IptablesChain[];
  rules: IptablesRule[];
  /** Lines that are neither table, chain, rule, COMMIT nor a `#` comment: reported, never dropped. */
  unparsed: string[];
}

// iptables-save's own output (iptables/iptables-save.c and xtables' nft-shared save code, iptables v1.8.9):
// `*table`, `:CHAIN POLICY [p:b]`, rules `-A CHAIN ...`, with -c each rule prefixed `[p:b] `, `COMMIT`, `# ...`.
const CHAIN = /^:(\S+) (\S+) \[(\d+):(\d+)\]$/;
const RULE = /^(?:\[(\d+):(\d+)\] )?-A (\S+)(?: (.*))?$/;

/** Parses the text; lines it does not understand land in `unparsed`. */
export function parseIptablesSave(text: string): IptablesSave {
  const result: IptablesSave = { tables: [], chains: [], rules: [], unparsed: [] };
  let table: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t === 'COMMIT' || t.startsWith('#')) continue;
    if (/^\*\S+$/.test(t)) {
      table = t.slice(1);
      result.tables.push(table);
      continue;
    }
    const chain = CHAIN.exec(t);
    if (chain) {
      const [, name = '', policy, packets, bytes] = chain;
      result.chains.push({ ...(table ? { table } : {}), name, ...(policy !== '-' ? { policy } : {}), packets: Number(packets), bytes: Number(bytes) });
      continue;
    }
    const rule = RULE.exec(t);
    if (rule) {
      const [, packets, bytes, chainName = '', body = ''] = rule;
      const target = /(?:^| )-[jg] (\S+)/.exec(body)?.[1];
      const comment = /--comment (?:"([^"]*)"|(\S+))/.exec(body);
      result.rules.push({
        ...(table ? { table } : {}),
        chain: chainName,
        text: body,
        ...(target ? { target } : {}),
        ...(comment ? { comment: comment[1] ?? comment[2] ?? '' } : {}),
        ...(packets !== undefined ? { packets: Number(packets), bytes: Number(bytes) } : {}),
      });
      continue;
    }
    result.unparsed.push(line);
  }
  return result;
}

/** Chains whose name starts with the prefix, e.g. "KUBE-SVC-", declared or referenced by a rule. */
export function chainsWithPrefix(save: IptablesSave, prefix: string): string[] {
  const names = new Set<string>();
  for (const c of save.chains) if (c.name.startsWith(prefix)) names.add(c.name);
  for (const r of save.rules) {
    if (r.chain.startsWith(prefix)) names.add(r.chain);
    if (r.target?.startsWith(prefix)) names.add(r.target);
  }
  return [...names].sort();
}

/** Rules whose comment names the service, e.g. "default/my-nginx" matches "default/my-nginx:http cluster IP". */
export function rulesForService(save: IptablesSave, service: string): IptablesRule[] {
  return save.rules.filter((r) => r.comment !== undefined && (r.comment === service || r.comment.startsWith(`${service}:`) || r.comment.startsWith(`${service} `)));
}
