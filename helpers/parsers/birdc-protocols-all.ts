/**
 * `birdc show protocols all` of BIRD 1.6 (and Calico's fork): each protocol's row (name proto table state since info)
 * followed by indented `Key: value` details, e.g. a BGP session's `Neighbor address:` and `Session:` flags
 * (`internal multihop route-reflector AS4 ...`: nest/proto.c and proto/bgp/bgp.c bgp_show_proto_info print them).
 */
export interface BirdProtocolDetail {
  name: string;
  proto: string;
  state: string;
  info: string;
  /** `Session` -> `internal multihop route-reflector AS4 add-path-rx add-path-tx`; repeated keys keep the first value. */
  details: Record<string, string>;
}

export interface BirdProtocolsAll {
  version?: string;
  protocols: BirdProtocolDetail[];
  /** Lines that are none of the above. */
  unparsed: string[];
}

const HEADER = /^name\s+proto\s+table\s+state\s+since\s+info\s*$/i;
const PROTOCOLS = 'Kernel|Device|Direct|Static|BGP|OSPF|BFD|Pipe|RIP|Babel|RPKI|Perf|MRT|RAdv|L3VPN|Aggregator';
const ROW = new RegExp(String.raw`^(\S+)\s+(${PROTOCOLS})\s+(\S+)\s+(\S+)\s+(\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}\S*|\S+)\s*(.*?)\s*$`);
const DETAIL = /^\s+([A-Za-z][\w .-]*?):\s*(.*?)\s*$/;

export function parseBirdProtocolsAll(text: string): BirdProtocolsAll {
  const out: BirdProtocolsAll = { protocols: [], unparsed: [] };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\d{4}[- ]/, '');
    if (!line.trim() || HEADER.test(line.trim())) continue;
    const banner = /^BIRD (\S+) ready\.$/.exec(line.trim());
    if (banner) { out.version = banner[1]!; continue; }
    const last = out.protocols[out.protocols.length - 1];
    const detail = /^\s/.test(line) ? DETAIL.exec(line) : null;
    if (detail && last) {
      if (!(detail[1]! in last.details)) last.details[detail[1]!] = detail[2]!;
      continue;
    }
    const row = /^\S/.test(line) ? ROW.exec(line) : null;
    if (row) { out.protocols.push({ name: row[1]!, proto: row[2]!, state: row[4]!, info: row[6]!, details: {} }); continue; }
    out.unparsed.push(raw);
  }
  return out;
}
