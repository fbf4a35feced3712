/** Parsed `ethtool -i <dev>` (driver information). */
export interface EthtoolInfo {
  driver?: string;
  version?: string;
  firmwareVersion?: string;
  /** "" on virtual devices (veth, tun), e.g. "0000:3b:01.0" on PCI, "tap" on a tun/tap. */
  busInfo?: string;
  /** Every `key: value` line as printed, empty values kept as "". */
  fields: Record<string, string>;
  /** Lines that are not `key: value`: reported, never dropped. */
  unparsed: string[];
}

// ethtool.c dump_drvinfo (ethtool 6.1) prints one `key: value` line per field; an empty value is
// `key: ` (or `key:` in pastes that lost the trailing space). A value never spans lines.
const FIELD = /^([a-z][a-z-]*):[ \t]?(.*)$/;

export function parseEthtoolInfo(text: string): EthtoolInfo {
  const fields: Record<string, string> = {};
  const unparsed: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const m = FIELD.exec(line.trimEnd());
    if (m) fields[m[1]!] = m[2]!.trim();
    else unparsed.push(line);
  }
  const info: EthtoolInfo = { fields, unparsed };
  if (fields['driver'] !== undefined) info.driver = fields['driver'];
  if (fields['version'] !== undefined) info.version = fields['version'];
  if (fields['firmware-version'] !== undefined) info.firmwareVersion = fields['firmware-version'];
  if (fields['bus-info'] !== undefined) info.busInfo = fields['bus-info'];
  return info;
}
