export type PeerType = 'node-to-node mesh' | 'node specific' | 'global' | string;

export interface BgpPeer { address: string; type: PeerType; state: string; since: string; info: string }

/** Parsed `calicoctl node status`. */
export interface CalicoNodeStatus {
  calicoRunning: boolean;
  /**
   * True only when BIRD answered on its control socket: false when it is not running (VXLAN-only,
   * BGP disabled) and when calicoctl could not query it (`birdErrors`).
   */
  birdRunning: boolean;
  ipv4Peers: BgpPeer[];
  ipv6Peers: BgpPeer[];
  /** `Error querying BIRD: ...` lines, e.g. the BIRDv4 socket could not be reached: the peer tables are unknown, not empty. */
  birdErrors?: string[];
  /** Lines that are none of the known ones: reported, never dropped. */
  unparsed?: string[];
}

// Every line calicoctl prints, from calicoctl/calicoctl/commands/node/status.go (projectcalico/calico
// master@125d0c70): "Calico process is running.", "\nIPv%s BGP status\n",
// "Error querying BIRD: unable to connect to BIRDv%s socket: %v" (no newline after it), "No IPv%s peers found.",
// "INFO: BIRDv4 process: 'bird' is not running.", "None of the BGP backend processes (BIRD or GoBGP) are running.",
// the tablewriter table (+---+ borders, | cells |), and the error "Calico process is not running.".
// status.go@v3.31.0 prints the same lines, but "The BGP backend process (BIRD) is not running." (line 99) for "None of ...".
const KNOWN = [
  /^Calico process is (not )?running\.?$/,
  /^IPv[46] BGP status$/,
  /^No IPv[46] (peers found|address configured)\.$/,
  /^INFO: BIRDv[46] process: '\S+' is not running\.$/,
  /^None of the BGP backend processes \(BIRD or GoBGP\) are running\.$/,
  /^The BGP backend process \(BIRD\) is not running\.$/,
  /^\+[-+]+\+$/,
  /^\|.*\|$/,
];
const BIRD_ERROR = /^Error querying BIRD: .*/;

function tableRows(lines: string[], from: number): BgpPeer[] {
  const peers: BgpPeer[] = [];
  for (const line of lines.slice(from)) {
    if (/^(IPv[46] BGP status)/.test(line.trim())) break;
    if (!line.startsWith('|')) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const [address = '', type = '', state = '', since = '', info = ''] = cells;
    if (address.toUpperCase() === 'PEER ADDRESS') continue;
    peers.push({ address, type, state, since, info });
  }
  return peers;
}

/** Parses the text; throws when it is not `calicoctl node status` output. */
export function parseCalicoNodeStatus(text: string): CalicoNodeStatus {
  const lines = text.split(/\r?\n/);
  const calicoRunning = lines.some((l) => l.trim() === 'Calico process is running.');
  const notRunning = lines.some((l) => /The BGP backend process \(BIRD\) is not running|None of the BGP backend processes/.test(l));
  const v4 = lines.findIndex((l) => l.trim() === 'IPv4 BGP status');
  const v6 = lines.findIndex((l) => l.trim() === 'IPv6 BGP status');
  if (!calicoRunning && !notRunning && v4 < 0 && !lines.some((l) => l.includes('Calico process is not running'))) {
    throw new Error(`calicoctl node status: unrecognised output starting "${(text.trim().split('\n')[0] ?? '').slice(0, 80)}"; run "calicoctl node status" on the node (needs the BIRD socket)`);
  }
  const birdErrors: string[] = [];
  const unparsed: string[] = [];
  for (const line of lines) {
    const t = line.trim();
    if (t === '' || KNOWN.some((re) => re.test(t))) continue;
    if (BIRD_ERROR.test(t)) birdErrors.push(t);
    else unparsed.push(line);
  }
  // "Error querying BIRD ... BIRDv4 socket" under "IPv4 BGP status": nothing is known about the v4 sessions.
  const v4Error = birdErrors.some((e) => /BIRDv4 socket|BIRD socket/.test(e));
  return {
    calicoRunning,
    birdRunning: !notRunning && v4 >= 0 && !v4Error,
    ipv4Peers: v4 >= 0 ? tableRows(lines, v4 + 1) : [],
    ipv6Peers: v6 >= 0 ? tableRows(lines, v6 + 1) : [],
    birdErrors,
    unparsed,
  };
}
