/** Parsed `cilium status` / `cilium-dbg status [--verbose]` (agent, in-pod), Cilium 1.7 to 1.20. */
export interface CiliumStatus {
  /** e.g. "1.18.4" from `Cilium: Ok 1.18.4 (v1.18.4-afda2aa9)`. */
  version?: string;
  kubeProxyReplacement?: {
    /** As printed: Strict | Probe | Partial | Disabled (<=1.13), True | False (1.14+). */
    mode: string;
    /** Device names from the bracket, e.g. ["eth0", "eth1"]. */
    devices: string[];
    directRoutingDevice?: string;
  };
  routing?: {
    /** 1.16+ `Routing: Network: Tunnel [vxlan]   Host: BPF`. */
    network?: 'Tunnel' | 'Native' | string;
    tunnelProtocol?: string;
    /** BPF | Legacy, from `Routing:` (1.16+) or `Host Routing:` (<=1.15). */
    host?: string;
  };
  masquerading?: {
    /** BPF | BPF (ip-masq-agent) | IPTables | Disabled. */
    mode: string;
    devices: string[];
    nativeCidrs: string[];
    ipv4?: boolean;
    ipv6?: boolean;
  };
  ipam?: { ipv4?: { used: number; total: number; cidr?: string } };
  /** `N/M reachable`, or the warning printed instead (`Warning   cilium-health daemon unreachable`, `Client error: ...`). */
  clusterHealth?: { reachable?: number; total?: number; warning?: string };
  clusterMesh?: { ready: number; total: number; globalServices?: number };
  /** `KubeProxyReplacement Details:` of --verbose. */
  kprDetails?: { status?: string; mode?: string; dsrDispatch?: string; backendSelection?: string };
  /** Every top-level `Key: value` line by key, the value with its spacing collapsed, e.g. { KVStore: 'Ok Disabled' }. */
  fields: Record<string, string>;
  /** Top-level lines that are not a known `Key:` line (indented detail lines belong to the key above): reported, never dropped. */
  unparsed: string[];
}

/**
 * Top-level keys the agent prints: pkg/client/client.go FormatStatusResponse and pkg/health/client/client.go
 * (cilium vendored in cilium-cli v0.10.0, v0.14.0, v0.16.0 and v0.19.7), plus cilium-dbg's "Modules Health"
 * and pre-1.9 keys seen in real outputs (IPv4/IPv6 address pool, Allocated IPv4 addresses).
 */
export const CILIUM_STATUS_KEYS = [
  'KVStore', 'ContainerRuntime', 'Kubernetes', 'Kubernetes APIs', 'KubeProxyReplacement', 'KubeProxyReplacement Details',
  'Host firewall', 'SRv6', 'CNI Chaining', 'CNI Config file', 'Cilium', 'NodeMonitor', 'Cilium health daemon', 'IPAM',
  'Allocated addresses', 'IPv4 address pool', 'IPv6 address pool', 'Allocated IPv4 addresses', 'Allocated IPv6 addresses',
  'IPv4 BIG TCP', 'IPv6 BIG TCP', 'BandwidthManager', 'Host Routing', 'Routing', 'Attach Mode', 'Device Mode', 'Masquerading',
  'Clock Source for BPF', 'Controller Status', 'Proxy Status', 'Global Identity Range', 'Hubble', 'Encryption', 'BPF Maps',
  'ClusterMesh', 'Cluster health', 'Modules Health', 'Stale status',
];
const KEY_ALTERNATION = [...CILIUM_STATUS_KEYS].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
const KEY_LINE = new RegExp(`^(?:${KEY_ALTERNATION}):`);
/** A key after some other text on the same line, e.g. `... Liveness probe failed: KVStore:   Ok ...` in kubectl describe events. */
const KEY_AFTER_TEXT = new RegExp(`^(.*?\\S)\\s+((?:${KEY_ALTERNATION}):\\s.*)$`);
/** RFC 3339 stamps of `kubectl logs --timestamps` and GitHub Actions logs, and cilium-cli's `[2024-01-01T00:00:00Z] `. */
const TIMESTAMP = /^(?:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})|\[\d{4}-\d{2}-\d{2}T[^\]]*\])\s/;

/** Strips log prefixes so that every status line starts at its key (or at its own indentation). */
function withoutPrefixes(raw: string[]): string[] {
  return raw.map((line) => {
    const stamped = line.replace(TIMESTAMP, '');
    if (KEY_LINE.test(stamped.trimStart())) return stamped;
    const after = KEY_AFTER_TEXT.exec(stamped);
    return after ? after[2]! : stamped;
  });
}

const field = (lines: string[], key: string): string | undefined => {
  const prefix = `${key}:`;
  const line = lines.find((l) => l.startsWith(prefix));
  return line?.slice(prefix.length).trim();
};

function parseKpr(value: string): CiliumStatus['kubeProxyReplacement'] {
  const mode = value.split(/\s+/)[0] ?? '';
  const bracket = /\[(.*)\]/.exec(value)?.[1];
  const parts = bracket ? bracket.split(',').map((p) => p.trim()).filter(Boolean) : [];
  // 1.7-era brackets list features ("NodePort (SNAT, ...)"), not devices: keep interface-like names only.
  const devices = parts.map((p) => p.split(/\s+/)[0] ?? '').filter((d) => /^[a-z][\w.@-]*$/.test(d));
  const dr = parts.find((p) => p.includes('(Direct Routing)'))?.split(/\s+/)[0];
  return { mode, devices, ...(dr ? { directRoutingDevice: dr } : {}) };
}

function parseMasq(value: string): CiliumStatus['masquerading'] {
  const flags = /\[IPv4: (\w+), IPv6: (\w+)\]/.exec(value);
  const head = value.replace(/\[IPv4:.*$/, '').trim();
  const mode = /^BPF \(ip-masq-agent\)/.test(head) ? 'BPF (ip-masq-agent)' : (head.split(/\s+/)[0] ?? '');
  const devList = /\[([^\]]*)\]/.exec(head)?.[1];
  const rest = head.replace(/^\S+( \(ip-masq-agent\))?/, '').replace(/\[[^\]]*\]/, '');
  return {
    mode,
    devices: devList ? devList.split(',').map((d) => d.trim()).filter(Boolean) : [],
    nativeCidrs: rest.split(/\s+/).filter((t) => t.includes('/')),
    ...(flags ? { ipv4: flags[1] === 'Enabled', ipv6: flags[2] === 'Enabled' } : {}),
  };
}

function parseRouting(lines: string[]): CiliumStatus['routing'] {
  const routing = field(lines, 'Routing');
  if (routing) {
    const m = /Network:\s*(\S+)(?:\s*\[(\w+)\])?\s+Host:\s*(\S+)/.exec(routing);
    if (m) return { network: m[1], ...(m[2] ? { tunnelProtocol: m[2] } : {}), ...(m[3] ? { host: m[3] } : {}) };
  }
  const host = field(lines, 'Host Routing');
  return host ? { host: host.split(/\s+/)[0] ?? host } : undefined;
}

function parseDetails(lines: string[]): CiliumStatus['kprDetails'] {
  const start = lines.findIndex((l) => l.startsWith('KubeProxyReplacement Details:'));
  if (start < 0) return undefined;
  const block: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!/^\s/.test(l) && l !== '') break;
    block.push(l.trim());
  }
  const get = (k: string) => field(block, k);
  const details: NonNullable<CiliumStatus['kprDetails']> = {};
  const status = get('Status'), mode = get('Mode'), dsr = get('DSR Dispatch Mode'), sel = get('Backend Selection');
  if (status) details.status = status;
  if (mode) details.mode = mode;
  if (dsr) details.dsrDispatch = dsr;
  if (sel) details.backendSelection = sel;
  return details;
}

/**
 * The node table's header under "Cluster health", printed unindented since 1.20 whether or not rows follow
 * (pkg/health/client/client.go@v1.20.0:403 `Name\tIP\tNode\tEndpoints`; its rows are indented, :344).
 */
const HEALTH_TABLE_HEADER = /^Name\s+IP\s+Node\s+Endpoints\s*$/;

/** Parses agent status text; missing fields stay undefined, unknown top-level lines land in `unparsed`. */
export function parseCiliumStatus(text: string): CiliumStatus {
  // Log prefixes (timestamps, event text) are cut; docs samples are indented: drop common indentation.
  const raw = withoutPrefixes(text.split(/\r?\n/));
  const indent = Math.min(...raw.filter((l) => /^\s+(KubeProxyReplacement( Details)?|KVStore|Routing|Host Routing|Cilium):/.test(l)).map((l) => l.length - l.trimStart().length), Infinity);
  const lines = raw.map((l) => (Number.isFinite(indent) ? l.slice(Math.min(indent, l.length - l.trimStart().length)) : l));
  const fields = Object.fromEntries(lines.filter((l) => KEY_LINE.test(l)).map((l) => {
    const key = KEY_LINE.exec(l)![0].slice(0, -1);
    return [key, l.slice(key.length + 1).trim().replace(/\s+/g, ' ')];
  }));
  const status: CiliumStatus = { fields, unparsed: lines.filter((l) => l.trim() !== '' && !/^\s/.test(l) && !KEY_LINE.test(l) && !HEALTH_TABLE_HEADER.test(l)) };

  const version = /^Ok\s+(\d+\.\d+\.\d+\S*)/.exec(field(lines, 'Cilium') ?? '')?.[1];
  if (version) status.version = version;
  const kpr = field(lines, 'KubeProxyReplacement');
  if (kpr) status.kubeProxyReplacement = parseKpr(kpr);
  const routing = parseRouting(lines);
  if (routing) status.routing = routing;
  const masq = field(lines, 'Masquerading');
  if (masq) status.masquerading = parseMasq(masq);
  const ipam = /IPv4: (\d+)\/(\d+) allocated(?: from (\S+?),?)?(?:,|\s|$)/.exec(field(lines, 'IPAM') ?? '');
  if (ipam) status.ipam = { ipv4: { used: Number(ipam[1]), total: Number(ipam[2]), ...(ipam[3] ? { cidr: ipam[3] } : {}) } };
  const healthText = field(lines, 'Cluster health');
  const health = /^(\d+)\/(\d+) reachable/.exec(healthText ?? '');
  if (health) status.clusterHealth = { reachable: Number(health[1]), total: Number(health[2]) };
  // pkg/health/client/client.go: "Cluster health:\t\t\tWarning\tcilium-health daemon unreachable", "...Client error: %s".
  else if (healthText) status.clusterHealth = { warning: healthText.replace(/\s+/g, ' ') };
  const mesh = /^(\d+)\/(\d+) (?:remote )?clusters ready(?:, (\d+) global-services)?/.exec(field(lines, 'ClusterMesh') ?? '');
  if (mesh) status.clusterMesh = { ready: Number(mesh[1]), total: Number(mesh[2]), ...(mesh[3] ? { globalServices: Number(mesh[3]) } : {}) };
  const details = parseDetails(lines);
  if (details) status.kprDetails = details;
  return status;
}

/** Parses and fails loudly when the text has none of the status lines (wrong command, error text). */
export function parseCiliumStatusStrict(text: string): CiliumStatus {
  const status = parseCiliumStatus(text);
  if (Object.keys(status.fields).length === 0) {
    const head = text.trim().split('\n')[0] ?? '';
    throw new Error(`cilium status: no known status line in output starting "${head.slice(0, 80)}"; run "cilium-dbg status" inside the cilium-agent container`);
  }
  return status;
}
