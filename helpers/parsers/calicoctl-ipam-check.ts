/** Parsed `calicoctl ipam check` (also `kubectl calico ipam check`). */
export interface IpamCheck {
  blocks?: number;
  allocations?: number;
  activePools?: number;
  workloadIps?: number;
  /** "Found N IPs that are allocated in IPAM but not actually in use." */
  leakedIps?: number;
  notInActivePools?: number;
  inUseWithoutAllocation?: number;
  handlesWithoutIps?: number;
  /** From the final `Check complete; found N problems.`; undefined when the run did not finish. */
  problems?: number;
  /** Lines that are none of the ones the command prints: reported, never dropped. */
  unparsed?: string[];
}

// Every top-level line checkIPAM prints (calicoctl/calicoctl/commands/ipam/check.go, projectcalico/calico
// @01b7ba24): progress ("Checking ...", "Loading all ...", "Scanning for ..."), counts ("Found N ..."),
// "IPAM blocks record", "Workloads and nodes are using", "Looking for top", "Node with most allocations",
// "Check complete". Detail lines (blocks, pools, per-node counts, problem IPs) are indented.
const KNOWN = /^(Checking IPAM for inconsistencies\.\.\.|Loading all |Found \d+ |IPAM blocks record \d+|Workloads and nodes are using \d+|Looking for top |Node with most allocations has |Scanning for |Check complete; found \d+ problems\.)/;

const count = (text: string, re: RegExp): number | undefined => {
  const m = re.exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
};

/** Parses the text; throws when it is not ipam check output. */
export function parseIpamCheck(text: string): IpamCheck {
  const fields: [Exclude<keyof IpamCheck, 'unparsed'>, RegExp][] = [
    ['blocks', /^Found (\d+) IPAM blocks\./m],
    ['allocations', /^IPAM blocks record (\d+) allocations\./m],
    ['activePools', /^Found (\d+) active IP pools\./m],
    ['workloadIps', /^Found (\d+) workload IPs\./m],
    ['leakedIps', /^Found (\d+) IPs that are allocated in IPAM but not actually in use\./m],
    ['notInActivePools', /^Found (\d+) in-use IPs that are not in active IP pools\./m],
    ['inUseWithoutAllocation', /^Found (\d+) in-use IPs that are in active IP pools but have no corresponding IPAM allocation\./m],
    ['handlesWithoutIps', /^Found (\d+) handles with no matching IPs/m],
    ['problems', /^Check complete; found (\d+) problems\./m],
  ];
  const result: IpamCheck = {};
  for (const [key, re] of fields) {
    const n = count(text, re);
    if (n !== undefined) result[key] = n;
  }
  if (Object.keys(result).length === 0) {
    throw new Error(`calicoctl ipam check: no summary line in output starting "${(text.trim().split('\n')[0] ?? '').slice(0, 80)}"; run "calicoctl ipam check" with datastore access`);
  }
  result.unparsed = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !/^\s/.test(l) && !KNOWN.test(l));
  return result;
}
