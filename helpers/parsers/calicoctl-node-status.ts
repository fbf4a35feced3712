export type PeerType = 'node-to-node mesh' | 'node specific' | 'global' | string;

export interface BgpPeer { address: string; type: PeerType; state: string; since: string; info: string }

/** Parsed `calicoctl node status`. */
export interface CalicoNodeStatus {
  calicoRunning: boolean;
  /** false when BIRD is not running (VXLAN-only or BGP disabled). */
  birdRunning: boolean;
  ipv4Peers: BgpPeer[];
  ipv6Peers: BgpPeer[];
}

function tableRows(lines: string[], from: number): BgpPeer[] {
  const peers: BgpPeer[] = [];
  for (const line of lines.slice(from)) {
    if (/^(IPv[46] BGP status)/.test(line.trim())) break;
    if (!line.startsWith('|')) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const [address = '', type = '', state = '', since = '', info = ''] = cells;
    if (address === 'PEER ADDRESS') continue;
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
  return {
    calicoRunning,
    birdRunning: !notRunning && v4 >= 0,
    ipv4Peers: v4 >= 0 ? tableRows(lines, v4 + 1) : [],
    ipv6Peers: v6 >= 0 ? tableRows(lines, v6 + 1) : [],
  };
}
