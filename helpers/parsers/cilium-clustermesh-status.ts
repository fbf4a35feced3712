/** Parsed `cilium clustermesh status` (cilium-cli), 2022 format and the current one. */
export interface ClusterMeshStatus {
  /** `host:port` lines under "Cluster access information is available". */
  accessAddresses: string[];
  serviceType?: string;
  /** From "✅ All N nodes are connected to all clusters" or "⚠️ X/N nodes are not connected". */
  nodes?: { total: number; notConnected: number };
  /** One entry per remote cluster line `- name: a/b configured, c/d connected`. */
  clusters: { name: string; configured: number; configuredOf: number; connected: number; connectedOf: number }[];
  /** Old format only: `🔀 Global services: [ min:5 / avg:5.0 / max:5 ]`. */
  globalServices?: { min: number; avg: number; max: number };
  /** True when the current format prints "No cluster connected". */
  noClusterConnected?: boolean;
  errors: string[];
  /** Lines that are neither a status line (cilium-cli prefixes each with its emoji) nor a `- ` list item under one. */
  unparsed: string[];
}

// cilium-cli clustermesh status prints one emoji-led status line per fact (✅ ⚠️ ❌ ℹ️ 🔌 🔀 ⌛ ...) and
// `- ...` list items under them; anything that starts with a letter or digit is not its output.
const UNKNOWN = /^[\p{L}\p{N}]/u;

/** Parses the text; throws when it is not clustermesh status output at all. */
export function parseClusterMeshStatus(text: string): ClusterMeshStatus {
  const lines = text.split(/\r?\n/);
  const status: ClusterMeshStatus = { accessAddresses: [], clusters: [], errors: [], unparsed: lines.filter((l) => UNKNOWN.test(l.trim()) && !/^No cluster connected/.test(l.trim())) };
  let inAccess = false;
  let recognised = false;
  for (const line of lines) {
    const t = line.trim();
    if (t.includes('Cluster access information is available')) { inAccess = true; recognised = true; continue; }
    const addr = /^- (\S+:\d+)$/.exec(t);
    if (inAccess && addr?.[1]) { status.accessAddresses.push(addr[1]); continue; }
    inAccess = false;
    const svc = /Service "clustermesh-apiserver" of type "(\w+)" found/.exec(t);
    if (svc?.[1]) { status.serviceType = svc[1]; recognised = true; }
    const all = /All (\d+) nodes are connected to all clusters/.exec(t);
    if (all) status.nodes = { total: Number(all[1]), notConnected: 0 };
    const some = /(\d+)\/(\d+) nodes are not connected to all clusters/.exec(t);
    if (some) status.nodes = { total: Number(some[2]), notConnected: Number(some[1]) };
    const cl = /^- ([\w.-]+): (\d+)\/(\d+) configured, (\d+)\/(\d+) connected/.exec(t);
    if (cl) {
      const [, name = '', a, b, c, d] = cl;
      status.clusters.push({ name, configured: Number(a), configuredOf: Number(b), connected: Number(c), connectedOf: Number(d) });
      recognised = true;
    }
    const gs = /Global services: \[ min:(\d+) \/ avg:([\d.]+) \/ max:(\d+) \]/.exec(t);
    if (gs) { status.globalServices = { min: Number(gs[1]), avg: Number(gs[2]), max: Number(gs[3]) }; recognised = true; }
    if (t.includes('No cluster connected')) { status.noClusterConnected = true; recognised = true; }
    if (/^❌ .* is not connected to cluster /.test(t)) status.errors.push(t.replace(/^❌\s*/, ''));
  }
  if (!recognised) {
    throw new Error(`clustermesh status: no known line in output starting "${(text.trim().split('\n')[0] ?? '').slice(0, 80)}"; run "cilium clustermesh status --context <ctx>"`);
  }
  return status;
}
